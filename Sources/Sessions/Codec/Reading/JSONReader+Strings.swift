/// Strings: escapes, `\u` escapes with surrogate pairs, UTF-8 checked as Foundation checks it.
extension JSONReader {
    /// Reads a string; another type (or null) is a type error.
    mutating func readString() throws(JSONReadError) -> String {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw try typeError() }
        index += 1
        let start = index
        index = endOfPlainRun(from: index)
        switch current {
        case UInt8(ascii: "\""):
            let text = try makeString(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            index += 1
            return text
        case UInt8(ascii: "\\"): return try readEscapedString(from: start)
        default: throw .syntax
        }
    }

    /// Reads an object key: its raw bytes when it has no escapes (the usual case), its text otherwise.
    mutating func readKey() throws(JSONReadError) -> JSONKey {
        index += 1
        let start = index
        index = endOfPlainRun(from: index)
        switch current {
        case UInt8(ascii: "\""):
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return JSONKey(raw: raw)
        case UInt8(ascii: "\\"): return JSONKey(decoded: try readEscapedString(from: start))
        default: throw .syntax
        }
    }

    /// Consumes a string without building it, checking its escapes.
    mutating func skipString() throws(JSONReadError) {
        index += 1
        let start = index
        index = endOfPlainRun(from: index)
        switch current {
        case UInt8(ascii: "\""): index += 1
        case UInt8(ascii: "\\"): _ = try readEscapedString(from: start)
        default: throw .syntax
        }
    }

    /// The index of the first byte from `start` on that ends a string's plain run: a quote, a backslash, a
    /// control character, or the end of the body. Eight bytes at a time: a byte equal to `c` is a zero byte of
    /// `word ^ c`, and "has a zero byte" and "has a byte below 0x20" are the usual word tricks, whose lowest
    /// flagged byte is exact.
    func endOfPlainRun(from start: Int) -> Int {
        var position = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highBits: UInt64 = 0x8080_8080_8080_8080
            while position + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                let quotes = word ^ (ones &* 0x22)
                let backslashes = word ^ (ones &* 0x5C)
                let flagged =
                    ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word)
                    & highBits
                if flagged != 0 { return position + flagged.trailingZeroBitCount / 8 }
                position += 8
            }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return position }
            position += 1
        }
        return position
    }

    /// The rest of a string that has escapes, from `start` (just after the opening quote); the cursor is on
    /// the first backslash, and ends after the closing quote.
    private mutating func readEscapedString(from start: Int) throws(JSONReadError) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(index - start + 16)
        utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            // Copy the run up to the next quote, backslash or control character at once.
            let runStart = index
            index = endOfPlainRun(from: index)
            if index > runStart { utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            let byte = current
            if byte == UInt8(ascii: "\"") {
                index += 1
                return try utf8.withUnsafeBufferPointer { buffer throws(JSONReadError) in try makeString(buffer) }
            }
            guard byte == UInt8(ascii: "\\") else { throw .syntax }
            index += 1
            let escape = current
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): try appendUnicodeEscape(to: &utf8)
            default: throw .syntax
            }
        }
        throw .syntax
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\u` low surrogate that must follow.
    private mutating func appendUnicodeEscape(to utf8: inout [UInt8]) throws(JSONReadError) {
        let unit = try readHex4()
        let scalarValue: UInt32
        switch unit {
        case 0xD800...0xDBFF:
            guard current == UInt8(ascii: "\\") else { throw .syntax }
            index += 1
            guard current == UInt8(ascii: "u") else { throw .syntax }
            index += 1
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw .syntax }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        case 0xDC00...0xDFFF:
            throw .syntax
        default:
            scalarValue = UInt32(unit)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw .syntax }
        utf8.append(contentsOf: UTF8.encode(scalar)!)
    }

    private mutating func readHex4() throws(JSONReadError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw .syntax }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .syntax
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private func makeString(_ utf8: UnsafeBufferPointer<UInt8>) throws(JSONReadError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw .syntax }
        return text
    }
}

/// An object key as read: its bytes in the body when unescaped, else its text.
package struct JSONKey {
    private let raw: UnsafeBufferPointer<UInt8>?
    private let decoded: String?

    init(raw: UnsafeBufferPointer<UInt8>) {
        self.raw = raw
        decoded = nil
    }

    init(decoded: String) {
        raw = nil
        self.decoded = decoded
    }

    /// The key's text, for error paths.
    package var text: String {
        if let decoded { return decoded }
        return String(decoding: raw!, as: UTF8.self)
    }

    /// The key's text, its UTF-8 checked: the key of a free-form object.
    func validatedText() throws(JSONReadError) -> String {
        if let decoded { return decoded }
        guard let text = String(validating: raw!, as: UTF8.self) else { throw .syntax }
        return text
    }

    private func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let raw { return body(raw) }
        var text = decoded!
        return text.withUTF8(body)
    }

    /// The key's text as UTF-8 bytes: keys are the same when these are.
    var utf8: [UInt8] { withUTF8 { Array($0) } }

    /// Byte order of the keys' UTF-8, the order bodies are written in.
    static func < (lhs: JSONKey, rhs: JSONKey) -> Bool {
        lhs.withUTF8 { left in rhs.withUTF8 { right in left.lexicographicallyPrecedes(right) } }
    }

    /// Whether the key is `name`, compared byte by byte.
    package static func == (key: JSONKey, name: StaticString) -> Bool {
        guard let raw = key.raw else { return key.decoded! == name.description }
        let count = name.utf8CodeUnitCount
        guard raw.count == count else { return false }
        let start = name.utf8Start
        for offset in 0..<count where raw[offset] != start[offset] { return false }
        return true
    }
}
