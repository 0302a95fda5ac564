/// A string stored as the JSON string literal ``JSONWriter`` writes for it (quotes included), so that an export
/// copies it instead of escaping it again; decoded back when a reader needs the text itself.
enum JSONStringLiteral {
    /// The literal of `text`, as ``JSONWriter/string(_:)`` writes it.
    static func encode(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 16)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The text of a literal; `nil` when `literal` is not one (only a damaged file holds such a value).
    /// Reads every escape JSON defines, though ``JSONWriter`` only writes `\"`, `\\`, `\n`, `\r`, `\t` and
    /// `\u00XX`.
    static func decode(_ literal: UnsafeRawBufferPointer) -> String? {
        guard literal.count >= 2, literal.first == UInt8(ascii: "\""), literal.last == UInt8(ascii: "\"") else {
            return nil
        }
        let body = UnsafeRawBufferPointer(rebasing: literal[1..<(literal.count - 1)])
        guard let firstEscape = body.firstIndex(of: UInt8(ascii: "\\")) else {
            return String(decoding: body, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        out.append(contentsOf: body[..<firstEscape])
        var index = firstEscape
        var pendingHighSurrogate: UInt32?
        while index < body.count {
            let byte = body[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < body.count else { return nil }
            let escape = body[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= body.count, let unit = hex(body[index..<(index + 4)]) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(unit) {
                    pendingHighSurrogate = unit
                    continue
                }
                var scalar = unit
                if (0xDC00..<0xE000).contains(unit), let high = pendingHighSurrogate {
                    scalar = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                }
                guard let value = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: String(Character(value)).utf8)
            default:
                return nil
            }
            pendingHighSurrogate = nil
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text of a literal held in a string.
    static func decode(_ literal: String) -> String? {
        var literal = literal
        return literal.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    private static func hex(_ digits: Slice<UnsafeRawBufferPointer>) -> UInt32? {
        var value: UInt32 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}
