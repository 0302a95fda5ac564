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

    /// Consumes a string without resolving its escapes, only finding its closing quote: for a document already
    /// read whole, whose escapes were checked then.
    mutating func skipStringLiteral() throws(JSONReadError) {
        guard current == UInt8(ascii: "\"") else { throw .syntax }
        index = try closingQuote(from: index + 1) + 1
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
    ///
    /// The text is written straight into the string's storage, sized by the raw text (unescaping never lengthens
    /// it), rather than gathered in an array and copied: tool results are JSON inside JSON, so a rebuild
    /// unescapes one or two of these per event (decision 0146). In a body of at most ``unscannedRest`` bytes
    /// after the string's start, the storage is sized by that rest instead of by a first pass to the closing
    /// quote (decision 0161): the string is most of such a body (a tool result, a message's text), and one
    /// with much slack is copied at its size below.
    private mutating func readEscapedString(from start: Int) throws(JSONReadError) -> String {
        let rest = bytes.count - start
        let capacity = rest <= Self.unscannedRest ? rest : try closingQuote(from: index) - start
        var failure: JSONReadError?
        var text = String(unsafeUninitializedCapacity: capacity) { out in
            do throws(JSONReadError) {
                return try unescape(from: start, into: out)
            } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        // Slack: the body's bytes after the string, when sized by them, and its escapes (mostly `\"` and `\n`, a few
        // bytes; text sent as `\uXXXX` shrinks up to sixfold). A string kept (a session's cached state) would hold
        // the whole capacity, so one with more slack than a quarter of its raw text (and 64 bytes) is copied at its
        // size: what a kept string may waste is bounded by its raw length, as when the capacity was that length.
        let raw = index - 1 - start
        if capacity - text.utf8.count > max(64, raw / 4) {
            return text.withUTF8 { String(decoding: $0, as: UTF8.self) }
        }
        return text
    }

    /// The largest rest of a body an escaped string's storage is sized by without finding its end first: large
    /// enough for a tool result's body, small enough that a body of many escaped strings does not allocate its
    /// size for each of them.
    static let unscannedRest = 16 << 10

    /// The index of the quote that closes the string the cursor is in (on a backslash or in a plain run), each
    /// backslash taking the byte after it; the escapes themselves are checked by ``unescape(from:into:)``.
    private func closingQuote(from position: Int) throws(JSONReadError) -> Int {
        var position = position
        while true {
            position = endOfPlainRun(from: position)
            guard position < bytes.count else { throw .syntax }
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""): return position
            default: throw .syntax
            }
        }
    }

    /// Writes the text of the string from `start` to its closing quote (`out` holds at least its raw length) with
    /// its escapes resolved, checks its UTF-8 and returns its length; the cursor, on the first backslash, ends
    /// after the closing quote.
    private mutating func unescape(
        from start: Int, into out: UnsafeMutableBufferPointer<UInt8>
    ) throws(JSONReadError) -> Int {
        guard let source = bytes.baseAddress, let target = out.baseAddress else { throw .syntax }
        var count = index - start
        target.update(from: source + start, count: count)
        while index < bytes.count {
            // Copy the run up to the next quote, backslash or control character at once.
            let runStart = index
            index = endOfPlainRun(from: index)
            assert(count + index - runStart <= out.count, "unescaped text longer than its raw text")
            (target + count).update(from: source + runStart, count: index - runStart)
            count += index - runStart
            let byte = current
            if byte == UInt8(ascii: "\"") {
                index += 1
                guard (try? UTF8Span(validating: UnsafeBufferPointer(rebasing: out[..<count]).span)) != nil else {
                    throw .syntax
                }
                return count
            }
            guard byte == UInt8(ascii: "\\") else { throw .syntax }
            index += 1
            let escape = current
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): target[count] = escape
            case UInt8(ascii: "b"): target[count] = 0x08
            case UInt8(ascii: "f"): target[count] = 0x0C
            case UInt8(ascii: "n"): target[count] = 0x0A
            case UInt8(ascii: "r"): target[count] = 0x0D
            case UInt8(ascii: "t"): target[count] = 0x09
            case UInt8(ascii: "u"):
                for unit in try readUnicodeEscape() {
                    target[count] = unit
                    count += 1
                }
                continue
            default: throw .syntax
            }
            count += 1
        }
        throw .syntax
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\u` low surrogate that must follow; the
    /// scalar's UTF-8.
    private mutating func readUnicodeEscape() throws(JSONReadError) -> UTF8.EncodedScalar {
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
        return UTF8.encode(scalar)!
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
