import EventLog
import Foundation
import Hummingbird
import Projections
import Sessions

/// The global event routes: catch-up reads by position (`GET /v1/events?after=&limit=`) and the live
/// subscription (`GET /v1/events/stream`, resuming after `Last-Event-ID` or `?after=`; `?sessionId=` narrows it
/// to one session, read from that session's records only). Events of a session deleted since are served with
/// their body redacted (the bytes go at compaction).
struct NativeEventsController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("events", use: list)
        group.get("events/stream", use: stream)
    }

    @Sendable func list(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let after = try request.integerQuery("after", in: 0...Int(Request.greatestResumePosition)) ?? 0
        let limit = try request.integerQuery("limit", in: 1...1000) ?? 100
        // The end first: a store that shares concurrent reads (PostgreSQL, decision 0138) then serves this read
        // everything up to it, so a position a client got from another node is in the page, not only in `end`.
        let knownEnd = try await backend.log.durableEnd().rawValue
        let records = try await backend.log.read(from: LogPosition(UInt64(after) + 1), limit: limit)
        let end = max(knownEnd, records.last?.position.rawValue ?? 0)
        var visibility = RecordVisibility(namespace: context.namespace, backend: backend)
        // Each record is decoded and encoded again: a full page (1,000) goes off the loop.
        return try await offTheLoop(if: records.count > OffTheLoopThreshold.items) {
            try await visibility.lookUpDeletions(among: records)
            var events: [NativeEvent] = []
            for record in records {
                if let event = try await visibility.event(for: record) { events.append(event) }
            }
            // `next` is the last position read, not the last one shown, so a namespaced reader never re-reads.
            return try Response.json(
                NativeEventPage(events: events, next: records.last?.position.rawValue ?? UInt64(after), end: end))
        }
    }

    @Sendable func stream(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let start: UInt64
        if let resumeAfter = try request.resumePosition(query: true) {
            start = resumeAfter
        } else {
            start = try await backend.log.durableEnd().rawValue
        }
        let session = try await sessionFilter(request, context: context)
        let log = backend.log
        let configuration = backend.configuration
        let visibility = RecordVisibility(namespace: context.namespace, backend: backend)
        return SSEResponse.make(
            initialID: start, heartbeat: configuration.heartbeatInterval, bufferSize: configuration.subscriberBufferSize,
            bufferBytes: configuration.subscriberBufferBytes,
            heartbeatEvent: ("heartbeat", "{}", nil), stillAllowed: context.keyStillActive
        ) { sink in
            var visibility = visibility
            let records: any AsyncSequence<LogRecord, any Error> =
                if let session { log.tail(stream: session.rawValue, after: LogPosition(start)) } else {
                    log.tail(from: LogPosition(start + 1))
                }
            for try await record in records {
                guard let body = try await visibility.event(for: record) else { continue }
                let event = SSEEvent(id: record.position.rawValue, event: record.type, data: APIJSON.line(body), retry: nil)
                guard sink.send(event) else { return }
            }
        }
    }

    /// The session `?sessionId=` names, once the request's key may see it (404 otherwise), or nil.
    private func sessionFilter(_ request: Request, context: SessionRequestContext) async throws -> SessionID? {
        guard let text = request.uri.queryParameters.get("sessionId") else { return nil }
        guard let id = SessionID(client: text) else {
            throw RequestBodyError.invalidParameter(name: "sessionId", reason: "sessionId \(SessionID.clientRule)")
        }
        _ = try await backend.session(id, namespace: context.namespace)
        return id
    }
}

/// A page of the global catch-up read: the events, the position to pass as `after` next, and the log's end.
struct NativeEventPage: Encodable {
    var events: [NativeEvent]
    var next: UInt64
    var end: UInt64
}
