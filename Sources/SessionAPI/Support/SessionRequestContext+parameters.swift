import Foundation
import Hummingbird
import Sessions

extension SessionRequestContext {
    /// A path parameter as the client meant it, percent-decoded: the router hands a path's components over as sent,
    /// and clients encode what is not plain ASCII (`café` arrives as `caf%C3%A9`). A component that is not valid
    /// percent-encoding is taken as sent.
    func pathParameter(_ name: String) -> String? {
        parameters.get(name).map { $0.removingPercentEncoding ?? String($0) }
    }

    /// The `{id}` path parameter as a session id.
    func sessionID(_ name: String = "id") throws -> SessionID {
        guard let text = pathParameter(name) else {
            throw RequestBodyError.invalidParameter(name: name, reason: "\(name) is required")
        }
        guard let id = SessionID(client: text) else {
            throw RequestBodyError.invalidParameter(name: name, reason: "\(name) \(SessionID.clientRule)")
        }
        return id
    }
}

extension Request {
    /// A query parameter parsed as an integer; `nil` when absent.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` when present but not an integer in `range`.
    func integerQuery(_ name: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), range.map({ $0.contains(value) }) ?? true else {
            let bounds = range.map { " between \($0.lowerBound) and \($0.upperBound)" } ?? ""
            throw RequestBodyError.invalidParameter(name: name, reason: "\(name) must be an integer\(bounds)")
        }
        return value
    }
}

extension Request {
    /// A query parameter parsed as a boolean (`true`/`false`, `1`/`0`, any case); `nil` when absent.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` when present but not a boolean.
    func booleanQuery(_ name: String) throws -> Bool? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw RequestBodyError.invalidParameter(name: name, reason: "\(name) must be true or false")
        }
    }

    /// The greatest log position a client may name to resume after: a position no store can reach (PostgreSQL keeps
    /// positions as `bigint`), one below so that the position after it is one too.
    static let greatestResumePosition = UInt64(Int64.max) - 1

    /// Where an SSE stream resumes: after `Last-Event-ID`, else after the `after` query parameter when `query` says
    /// the route takes one; `nil` when neither is sent.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for a value that is not a log position.
    func resumePosition(query: Bool) throws -> UInt64? {
        let range = 0...Self.greatestResumePosition
        if let header = headers[.lastEventID] {
            guard let position = UInt64(header.trimmingCharacters(in: .whitespaces)), range.contains(position) else {
                throw RequestBodyError.invalidParameter(
                    name: "Last-Event-ID", reason: "Last-Event-ID must be a log position between 0 and \(range.upperBound)")
            }
            return position
        }
        guard query else { return nil }
        return try integerQuery("after", in: 0...Int(range.upperBound)).map(UInt64.init)
    }
}
