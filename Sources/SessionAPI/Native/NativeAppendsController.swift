import Hummingbird
import Projections
import Sessions

/// `POST /v1/events/batch`: appends for many sessions in one request, each decided, appended and answered on its
/// own — one failing append (unknown session, stale `expectedVersion`, invalid activity) fails only itself.
///
/// A client that coalesces the appends of many agents sends them here (client-side group commit). The request is one
/// writer call (``Projections/SessionWriter/execute(appends:)``): one log reservation, one frame and one fsync for
/// all its appends, one wait for the projections; appends to the same session run in the order they are listed.
struct NativeAppendsController {
    let backend: SessionBackend

    /// At most this many appends in one request.
    static let maximumAppends = 1000

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.post("events/batch", use: append)
    }

    @Sendable func append(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let body = try await request.readJSON(
            as: NativeAppendsRequest.self, limit: backend.configuration.maximumBodyBytes,
            timeout: backend.configuration.bodyReadTimeout,
            allowedKeys: NativeAppendsRequest.keys)
        if let unknown = body.appends.lazy.compactMap(\.unknownKey).first {
            throw RequestBodyError.unknownField("appends[].\(unknown)")
        }
        guard (1...Self.maximumAppends).contains(body.appends.count) else {
            throw RequestBodyError.invalidParameter(
                name: "appends", reason: "appends must hold 1 to \(Self.maximumAppends) appends")
        }
        let shared = try context.writeOptions(request)
        // Deciding, encoding and folding many commands, and answering each append, can take far more than a
        // millisecond: off the loop (decision 0142). The writer runs on the executor its caller prefers.
        let commands = body.appends.reduce(0) { $0 + $1.items.count }
        return try await offTheLoop(if: commands > OffTheLoopThreshold.items) {
            try await appendAll(body, shared: shared, context: context)
        }
    }

    /// Appends every entry of `body` and answers each.
    private func appendAll(_ body: NativeAppendsRequest, shared: WriteOptions, context: SessionRequestContext)
        async throws -> Response
    {
        var outcomes = [NativeAppendOutcome?](repeating: nil, count: body.appends.count)
        var appends: [(index: Int, append: SessionAppend)] = []
        for (index, entry) in body.appends.enumerated() {
            do {
                appends.append((index, try sessionAppend(entry, index: index, shared: shared)))
            } catch {
                outcomes[index] = NativeAppendOutcome(sessionId: entry.sessionId, error: APIError.logged(error, context: context))
            }
        }
        let results = await backend.execute(appends: appends.map(\.append), namespace: context.namespace)
        for ((index, _), result) in zip(appends, results) {
            switch result {
            case .success(let written): outcomes[index] = NativeAppendOutcome(written)
            case .failure(let error):
                outcomes[index] = NativeAppendOutcome(
                    sessionId: body.appends[index].sessionId, error: APIError.logged(error, context: context))
            }
        }
        return .json(bytes: NativeAppendsResponse(results: outcomes.map { $0! }).json())
    }

    /// One entry as the writer takes it, or the error that refuses it before anything is decided.
    private func sessionAppend(_ entry: NativeAppendsRequest.Append, index: Int, shared: WriteOptions) throws
        -> SessionAppend
    {
        guard let id = SessionID(client: entry.sessionId) else {
            throw RequestBodyError.invalidParameter(
                name: "appends[\(index)].sessionId", reason: "sessionId \(SessionID.clientRule)")
        }
        let commands = try entry.items.enumerated().map { itemIndex, item in
            do {
                return try item.command(for: id)
            } catch RequestBodyError.invalidParameter(let name, let reason) {
                throw RequestBodyError.invalidParameter(name: "items[\(itemIndex)].\(name)", reason: reason)
            }
        }
        var options = shared
        options.expectedVersion = entry.expectedVersion
        options.idempotencyKey = entry.idempotencyKey.flatMap { $0.isEmpty ? nil : $0 }
        return SessionAppend(session: id, commands: commands, options: options)
    }
}

/// `{"appends": [{sessionId, items: [activity, …], expectedVersion?, idempotencyKey?}, …]}`: each entry is what
/// `POST /v1/sessions/{id}/events/batch` takes, with its `If-Match` and `Idempotency-Key` as fields.
struct NativeAppendsRequest {
    static let keys: Set<String> = ["appends"]

    struct Append {
        var sessionId: String
        var items: [NativeActivityRequest]
        var expectedVersion: UInt64?
        var idempotencyKey: String?
        /// The first (in byte order) of the entry's keys outside the four above: the request is refused, since a
        /// misspelt `expectedVersion` must not append unchecked.
        var unknownKey: String?
    }

    var appends: [Append]
}

/// `{"results": [outcome, …]}`, one per append, in the request's order.
///
/// Written by hand, as ``NativeAppendResponse`` is: a framework client's group commit sends dozens of appends in one
/// request, and `JSONEncoder` was ≈ 3.5 % of the daemon's CPU on them.
struct NativeAppendsResponse {
    var results: [NativeAppendOutcome]

    func json() -> [UInt8] {
        var w = JSONWriter(capacity: 16 + 160 * results.count)
        w.beginObject()
        w.key("results")
        w.beginArray()
        for outcome in results { outcome.write(to: &w) }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}

/// One append's answer: `status` is what `POST /v1/sessions/{id}/events/batch` would have answered (201 appended,
/// 200 no-op or deduplicated retry, 4xx/5xx refused), then the members of ``NativeAppendResponse`` or
/// `sessionId` and `error`.
enum NativeAppendOutcome {
    case written(NativeAppendResponse)
    case refused(sessionId: String, error: NativeErrorEnvelope.Body)

    init(_ result: WriteResult) {
        self = .written(NativeAppendResponse(result))
    }

    init(sessionId: String, error: APIError) {
        self = .refused(sessionId: sessionId, error: NativeErrorEnvelope(error).error)
    }

    func write(to w: inout JSONWriter) {
        w.beginObject()
        switch self {
        case .written(let answer):
            w.field("status", answer.status.code)
            answer.writeMembers(to: &w)
        case .refused(let sessionId, let error):
            w.field("status", error.status)
            w.field("sessionId", sessionId)
            w.key("error")
            error.write(to: &w)
        }
        w.endObject()
    }
}
