import Foundation

/// A value an event body can hold, read straight from a ``JSONReader``.
///
/// Each conformance reads what its `Codable` conformance decodes: required keys must be present and not null,
/// optional ones may be absent or null, unknown ones are skipped.
package protocol JSONReadable {
    init(reading json: inout JSONReader) throws(JSONReadError)
}

extension JSONReader {
    /// Reads a required value.
    package mutating func read<T: JSONReadable>(_ type: T.Type = T.self) throws(JSONReadError) -> T {
        try T(reading: &self)
    }

    /// Reads an optional value: `null` is `nil`.
    package mutating func readIfPresent<T: JSONReadable>(_ type: T.Type = T.self) throws(JSONReadError) -> T? {
        try readNull() ? nil : try T(reading: &self)
    }

    /// Reads an array of values.
    package mutating func readArray<T: JSONReadable>(of type: T.Type = T.self) throws(JSONReadError) -> [T] {
        var values: [T] = []
        try readArray { json, _ throws(JSONReadError) in values.append(try T(reading: &json)) }
        return values
    }

    /// A required key's value, or the error naming it.
    package static func required<T>(_ value: T?, _ key: String) throws(JSONReadError) -> T {
        guard let value else { throw JSONReadError(kind: .missingKey(key)) }
        return value
    }
}

extension String: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) { self = try json.readString() }
}

extension Bool: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        json.skipWhitespace()
        switch json.current {
        case UInt8(ascii: "t"):
            try json.expectLiteral("true")
            self = true
        case UInt8(ascii: "f"):
            try json.expectLiteral("false")
            self = false
        default: throw try json.typeError()
        }
    }
}

extension Int: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) { self = try json.readInteger(Int.self) }
}

extension UInt64: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) { self = try json.readInteger(UInt64.self) }
}

extension UInt16: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) { self = try json.readInteger(UInt16.self) }
}

extension Double: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) { self = try json.readDouble() }
}

extension Date: JSONReadable {
    /// An ISO 8601 date and time, as `JSONDecoder`'s `.iso8601` strategy reads it.
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        let text = try json.readString()
        guard let date = try? Date.ISO8601FormatStyle().parse(text) else { throw .unrepresentable }
        self = date
    }
}

/// A string enumeration or identifier: its raw value must be one the type accepts.
extension JSONReadable where Self: RawRepresentable, RawValue == String {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        guard let value = Self(rawValue: try json.readString()) else { throw .invalidValue }
        self = value
    }
}

extension SessionID: JSONReadable {}
extension MessageID: JSONReadable {}
extension ToolCallID: JSONReadable {}
extension FileID: JSONReadable {}
extension FinishReason: JSONReadable {}
extension MessageRole: JSONReadable {}
extension MessageRemoval: JSONReadable {}
extension CallbackType: JSONReadable {}
extension BrowserMode: JSONReadable {}
extension PromptMode: JSONReadable {}
extension SessionOrigin: JSONReadable {}
extension SessionType: JSONReadable {}
extension ThinkingLevel: JSONReadable {}
extension FileRemoved.Reason: JSONReadable {}

extension JSONValue: JSONReadable {
    /// Any JSON value; numbers are doubles, as `JSONValue`'s `Codable` conformance reads them.
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        json.skipWhitespace()
        switch json.current {
        case UInt8(ascii: "n"):
            try json.expectLiteral("null")
            self = .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .bool(try Bool(reading: &json))
        case UInt8(ascii: "\""): self = .string(try json.readString())
        case UInt8(ascii: "["): self = .array(try json.readArray(of: JSONValue.self))
        case UInt8(ascii: "{"): self = .object(try JSONObject(reading: &json))
        default:
            do throws(JSONReadError) {
                self = .number(try json.readDouble())
            } catch {
                // A number no double holds: JSONValue's decoder then tries the other types, and fails on
                // an object.
                throw error.kind == .unrepresentable ? .wrongType : error
            }
        }
    }
}

extension Array: JSONReadable where Element: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) { self = try json.readArray(of: Element.self) }
}

extension Dictionary: JSONReadable where Key == String, Value == JSONValue {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var object: JSONObject = [:]
        try json.readObject { json, key throws(JSONReadError) in
            object[try key.validatedText()] = try JSONValue(reading: &json)
        }
        self = object
    }
}
