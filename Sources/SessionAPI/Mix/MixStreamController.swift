import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Projections
import Sessions

/// `GET /stream?sessionId=<id>`: the Mix SSE stream, fed from the log (mix-api.md §2.11, decisions (d), (i)).
///
/// Event ids are global log positions. Without `Last-Event-ID` the stream starts live at the log's durable
/// end; every connection first gets a `connected` event carrying its start position. With `Last-Event-ID`, every event of the session after that
/// position is replayed from the log, then the stream continues live — no gap, no duplicate.
struct MixStreamController {
    let backend: SessionBackend

    func addRoutes(to router: RouterGroup<SessionRequestContext>) {
        router.get("stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: SessionRequestContext) async throws -> Response {
        guard let text = request.uri.queryParameters.get("sessionId") else {
            throw RequestBodyError.invalidParameter(name: "sessionId", reason: "sessionId is required")
        }
        guard let id = SessionID(client: text) else {
            throw RequestBodyError.invalidParameter(name: "sessionId", reason: "sessionId \(SessionID.clientRule)")
        }
        _ = try await backend.session(id, namespace: context.namespace)
        let resumeAfter = try request.resumePosition(query: false)
        let end = try await backend.log.durableEnd().rawValue
        let start = resumeAfter ?? end
        let log = backend.log
        let store = backend.store
        let configuration = backend.configuration
        let namespace = context.namespace
        return SSEResponse.make(
            initialID: start, heartbeat: configuration.heartbeatInterval,
            bufferSize: configuration.subscriberBufferSize,
            bufferBytes: configuration.subscriberBufferBytes,
            heartbeatEvent: ("heartbeat", APIJSON.line(MixStreamEventMapper.HeartbeatData()), 45_000),
            stillAllowed: context.keyStillActive
        ) { sink in
            let connected = SSEEvent(
                id: start, event: "connected", data: APIJSON.line(MixStreamEventMapper.ConnectedData(sessionId: id.rawValue)),
                retry: 30_000)
            guard sink.send(connected) else { return }
            var mapper = MixStreamEventMapper(
                sessionID: id, namespace: namespace, liveAfter: end,
                lookUpToolName: { callID in
                    let transcript = try? await store.transcript(id, includeRemoved: true)
                    return transcript?.lazy.flatMap(\.toolCalls).first { $0.call.id == callID }?.call.name
                },
                latestTombstone: { session in
                    // Unknown (the projections failed to answer) counts as deleted: content is withheld, not leaked.
                    (try? await store.latestTombstoneVersion(of: session.rawValue)) ?? .max
                })
            for try await record in log.tail(from: LogPosition(start + 1)) {
                guard sink.send(await mapper.events(for: record)) else { return }
            }
        }
    }
}

extension HTTPField.Name {
    /// `Last-Event-ID`, the SSE resume header.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
