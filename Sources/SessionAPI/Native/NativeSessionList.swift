import Foundation
import Hummingbird
import Projections
import Sessions

/// The query of `GET /v1/sessions`: `status` (or `processing`), `namespace`, `q` (title, id or user id contains), `appName` and
/// `userId` (a framework's sessions), `sort` (a ``Projections/SessionOrder``), `limit` (1…10,000, default 50)
/// and `cursor` (from the previous page; or `offset`).
struct NativeSessionListQuery {
    var query: SessionQuery
    var limit: Int
    var offset: Int

    /// Reads the query; a key's namespace wins over the `namespace` parameter (another one lists nothing).
    init(_ request: Request, namespace keyNamespace: String?) throws {
        let parameters = request.uri.queryParameters
        var status: SessionStatus?
        var isProcessing: Bool?
        // `processing` is not a status of its own (a processing session is active) but a filter beside them.
        switch parameters.get("status").map({ String($0) }) {
        case nil, "": break
        case "processing": isProcessing = true
        case let text?:
            guard let parsed = SessionStatus(rawValue: text) else {
                throw RequestBodyError.invalidParameter(
                    name: "status", reason: "status must be one of: active, idle, archived, terminated, processing")
            }
            status = parsed
        }
        var order = SessionOrder.newest
        if let text = parameters.get("sort"), !text.isEmpty {
            guard let parsed = SessionOrder(rawValue: text) else {
                throw RequestBodyError.invalidParameter(
                    name: "sort",
                    reason: "sort must be one of: " + SessionOrder.allCases.map(\.rawValue).joined(separator: ", "))
            }
            order = parsed
        }
        let requested = parameters.get("namespace").flatMap { $0.isEmpty ? nil : String($0) }
        limit = try request.integerQuery("limit", in: 1...10_000) ?? 50
        offset = try request.integerQuery("offset", in: 0...Int.max) ?? 0
        if let cursor = parameters.get("cursor"), !cursor.isEmpty { offset = try OffsetCursor.offset(of: String(cursor)) }
        // One row more than the page tells whether another page follows.
        query = SessionQuery(
            namespace: keyNamespace ?? requested, includeSubagents: true, status: status,
            search: parameters.get("q"), order: order, limit: limit + 1, offset: offset,
            appName: parameters.get("appName"), userID: parameters.get("userId"), isProcessing: isProcessing)
        if let keyNamespace, let requested, requested != keyNamespace { query.limit = 0 }
    }
}

/// A page of `GET /v1/sessions`.
struct NativeSessionPage: Encodable {
    var sessions: [NativeSession]
    /// The `cursor` of the next page; absent on the last.
    var nextCursor: String?
}
