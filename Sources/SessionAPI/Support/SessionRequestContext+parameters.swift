import Hummingbird
import Sessions

extension SessionRequestContext {
    /// The `{id}` path parameter as a session id.
    func sessionID(_ name: String = "id") throws -> SessionID {
        guard let text = parameters.get(name), let id = SessionID(rawValue: text) else {
            throw RequestBodyError.invalidParameter(name: name, reason: "\(name) is required")
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
