/// Why an event body could not be read, with the JSON path of the value at fault.
///
/// The reasons name the path the way they did when bodies were read by Foundation's `JSONDecoder` ("missing
/// key 'toolCalls.0.id'", "wrong type at 'x'", "invalid value at 'x'"; a body that is not JSON at all is an
/// "invalid value at 'body'").
package struct JSONReadError: Error, Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A required key is absent from its object.
        case missingKey(String)
        /// The value is of another JSON type (or null where a value is required).
        case wrongType
        /// The value has the right JSON type but is not acceptable (an unknown enum case, an empty
        /// identifier).
        case invalidValue
        /// A number out of its type's range (or with a fraction, for an integer), or a malformed date:
        /// Foundation reports these for the body as a whole.
        case unrepresentable
        /// The body is not JSON; reported for the body as a whole, as Foundation does.
        case syntax
    }

    package var kind: Kind
    /// Keys and array indexes from the body down to the value, outermost first.
    package var path: [String] = []

    static let wrongType = JSONReadError(kind: .wrongType)
    static let invalidValue = JSONReadError(kind: .invalidValue)
    static let syntax = JSONReadError(kind: .syntax)
    static let unrepresentable = JSONReadError(kind: .unrepresentable)

    /// The error seen from one level up: `component` (a key or an index) goes in front of the path.
    func inside(_ component: String) -> JSONReadError {
        guard kind != .syntax, kind != .unrepresentable else { return self }
        var outer = self
        outer.path.insert(component, at: 0)
        return outer
    }

    /// A short reason, naming the path, never the body's text.
    package var reason: String {
        let joined = path.joined(separator: ".")
        let at = joined.isEmpty ? "body" : joined
        switch kind {
        case .missingKey(let key): return "missing key '\(joined.isEmpty ? key : joined + "." + key)'"
        case .wrongType: return "wrong type at '\(at)'"
        case .invalidValue: return "invalid value at '\(at)'"
        case .syntax, .unrepresentable: return "invalid value at 'body'"
        }
    }
}
