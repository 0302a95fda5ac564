/// Small pieces of JSON other modules store and read back — a string literal, a flat list of object members —
/// read by the event codec's ``JSONReader`` under its rules (escapes, surrogate pairs, UTF-8 checked).
public enum JSONText {
    /// A member's value in ``forEachMember(_:_:)``.
    public enum Member: Equatable, Sendable {
        case string(String)
        case integer(Int)
        /// Any other value (a boolean, `null`, a fraction, an array or object), skipped.
        case other

        /// The text of a string value.
        public var string: String? {
            if case .string(let text) = self { text } else { nil }
        }

        /// The value of an integer.
        public var integer: Int? {
            if case .integer(let value) = self { value } else { nil }
        }
    }

    /// The text of `literal`, one JSON string literal (quotes included); `nil` when it is not one.
    public static func string(_ literal: UnsafeRawBufferPointer) -> String? {
        try? JSONReader.read(literal.assumingMemoryBound(to: UInt8.self), as: String.self)
    }

    /// Where the string literal (quotes included) that is the value of the member `name` of `object`, a JSON object,
    /// lies in it; `nil` when there is no such member or its value is not a string. For a document already read whole
    /// (its escapes checked then): the literal is found, not unescaped, so a reader that stores it as it is written
    /// does not escape its text again.
    public static func stringLiteral(ofMember name: StaticString, in object: UnsafeRawBufferPointer) -> Range<Int>? {
        var reader = JSONReader(object.assumingMemoryBound(to: UInt8.self))
        var found: Range<Int>?
        do throws(JSONReadError) {
            try reader.readObject { reader, key throws(JSONReadError) in
                reader.skipWhitespace()
                guard found == nil, key == name, reader.current == UInt8(ascii: "\"") else {
                    if reader.current == UInt8(ascii: "\"") { return try reader.skipStringLiteral() }
                    return try reader.skipValue()
                }
                let start = reader.index
                try reader.skipStringLiteral()
                found = start..<reader.index
            }
        } catch {
            return nil
        }
        return found
    }

    /// Calls `body` with each member of `members`, an object's members without its braces (`"a":1,"b":"x"`), in
    /// order; `false` when `members` is not such a list (what it read before the fault was still passed on).
    @discardableResult
    public static func forEachMember(
        _ members: UnsafeRawBufferPointer,
        _ body: (_ key: String, _ value: Member) -> Void
    ) -> Bool {
        var reader = JSONReader(members.assumingMemoryBound(to: UInt8.self))
        do throws(JSONReadError) {
            reader.skipWhitespace()
            while reader.index < members.count {
                let key = try reader.readString()
                try reader.expect(UInt8(ascii: ":"))
                reader.skipWhitespace()
                switch reader.current {
                case UInt8(ascii: "\""): body(key, .string(try reader.readString()))
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let start = reader.index
                    if let value = try? reader.readInteger(Int.self) {
                        body(key, .integer(value))
                    } else {
                        reader.index = start
                        try reader.skipValue()
                        body(key, .other)
                    }
                default:
                    try reader.skipValue()
                    body(key, .other)
                }
                reader.skipWhitespace()
                if reader.index < members.count {
                    try reader.expect(UInt8(ascii: ","))
                    reader.skipWhitespace()
                    guard reader.index < members.count else { throw .syntax }  // no trailing comma
                }
            }
            return true
        } catch {
            return false
        }
    }
}
