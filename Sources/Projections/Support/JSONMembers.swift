/// Reads back the flat members ``ExportMessageJSON`` stores (`"key":value,…`: string literals, numbers,
/// booleans), for the readers that need a message's fields rather than its export.
enum JSONMembers {
    /// A member's value: a string literal's text, or the text of a bare value (a number, `true`, `false`).
    enum Value {
        case string(String)
        case bare(Substring)

        var string: String? {
            if case .string(let text) = self { text } else { nil }
        }

        var int: Int? {
            if case .bare(let text) = self { Int(text) } else { nil }
        }
    }

    /// Calls `body` with each member in order; `false` when `members` is not such a list (only a damaged file
    /// holds one).
    @discardableResult
    static func forEach(_ members: String, _ body: (_ key: String, _ value: Value) -> Void) -> Bool {
        var members = members
        return members.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            var index = 0
            while index < bytes.count {
                guard let keyEnd = literalEnd(bytes, from: index), keyEnd + 1 < bytes.count,
                    bytes[keyEnd + 1] == UInt8(ascii: ":"),
                    let key = JSONStringLiteral.decode(UnsafeRawBufferPointer(rebasing: bytes[index...keyEnd]))
                else { return false }
                let valueStart = keyEnd + 2
                let valueEnd: Int
                if valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "\"") {
                    guard let end = literalEnd(bytes, from: valueStart),
                        let text = JSONStringLiteral.decode(UnsafeRawBufferPointer(rebasing: bytes[valueStart...end]))
                    else { return false }
                    body(key, .string(text))
                    valueEnd = end + 1
                } else {
                    var end = valueStart
                    while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                    guard end > valueStart else { return false }
                    body(key, .bare(Substring(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)))
                    valueEnd = end
                }
                guard valueEnd == bytes.count || bytes[valueEnd] == UInt8(ascii: ",") else { return false }
                index = valueEnd + 1
            }
            return true
        }
    }

    /// The index of the quote that closes the string literal opening at `start`.
    private static func literalEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index
            default: index += 1
            }
        }
        return nil
    }
}
