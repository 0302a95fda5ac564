/// A forward-only reader of one JSON document in memory, for event bodies on the replay path and the native append
/// request bodies (package access for SessionAPI).
///
/// It reads values straight into the event's fields (no intermediate tree, no `Decoder` protocol), and follows
/// Foundation's `JSONDecoder` rules for everything a body can hold, which the codec tests check against
/// `JSONDecoder` itself: RFC 8259 syntax (nothing after the document, no control characters in strings, no
/// leading zeros; a trailing comma in an array or object accepted), keys matched after unescaping, unknown keys
/// skipped, the first of duplicate keys winning,
/// `null` standing for an absent optional. It lives inside ``read(_:as:)``, which lends it the bytes.
package struct JSONReader {
    /// How deep arrays and objects may nest, as in Foundation's decoder.
    static let maximumDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads a whole document as `T`: one value, surrounded by nothing but whitespace.
    ///
    /// A syntax error anywhere in the document wins over a type error before it, as with Foundation, which
    /// parses the whole document before decoding any of it.
    package static func read<T: JSONReadable>(_ bytes: UnsafeBufferPointer<UInt8>, as type: T.Type) throws(JSONReadError) -> T {
        var reader = JSONReader(bytes)
        do throws(JSONReadError) {
            reader.skipWhitespace()
            let value = try T(reading: &reader)
            reader.skipWhitespace()
            guard reader.index == bytes.count else { throw JSONReadError.syntax }
            return value
        } catch {
            guard error.kind != .syntax else { throw error }
            var validator = JSONReader(bytes)
            do throws(JSONReadError) {
                validator.skipWhitespace()
                try validator.skipValue()
                validator.skipWhitespace()
                guard validator.index == bytes.count else { throw JSONReadError.syntax }
            } catch {
                throw JSONReadError.syntax
            }
            throw error
        }
    }

    /// The byte at the cursor, or 0 at the end (0 is never valid where a byte is looked at).
    var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after whitespace) or fails with a syntax error.
    mutating func expect(_ byte: UInt8) throws(JSONReadError) {
        skipWhitespace()
        guard current == byte else { throw .syntax }
        index += 1
    }

    /// Consumes `null` if it is next, telling whether it was.
    mutating func readNull() throws(JSONReadError) -> Bool {
        skipWhitespace()
        guard current == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONReadError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw .syntax }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { throw .syntax }
        index += count
    }

    // MARK: - Containers

    /// Reads an object, handing each key to `field`, which must consume the key's value (or skip it).
    ///
    /// Errors from `field` get the key in front of their path. `null` or another type is a type error.
    package mutating func readObject(
        _ field: (inout JSONReader, JSONKey) throws(JSONReadError) -> Void
    ) throws(JSONReadError) {
        skipWhitespace()
        guard current == UInt8(ascii: "{") else { throw try typeError() }
        let objectStart = index
        try enter()
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        // Keys in increasing order (as bodies are written) cannot repeat. From the first key that breaks the
        // order on (a client's body), every key goes into a set, filled once with the earlier ones: linear
        // in the object's size whatever the order.
        var greatest: JSONKey?
        var seen: Set<[UInt8]>?
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw .syntax }
            let keyStart = index
            let key = try readKey()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            var repeated = false
            if let last = greatest, !(last < key) {
                if seen == nil { seen = try keys(inObjectAt: objectStart, before: keyStart) }
                repeated = !seen!.insert(key.utf8).inserted
            } else {
                seen?.insert(key.utf8)
            }
            if repeated {
                try skipValue()  // the first of duplicate keys wins, as in Foundation
            } else {
                if greatest.map({ $0 < key }) ?? true { greatest = key }
                do throws(JSONReadError) {
                    try field(&self, key)
                } catch {
                    throw error.inside(key.text)
                }
            }
            if try endOfMember(closing: UInt8(ascii: "}")) { return }
        }
    }

    /// The keys of the object starting at `start`, among those before `end`.
    private func keys(inObjectAt start: Int, before end: Int) throws(JSONReadError) -> Set<[UInt8]> {
        var keys: Set<[UInt8]> = []
        var scanner = JSONReader(bytes)
        scanner.index = start + 1
        while true {
            scanner.skipWhitespace()
            guard scanner.index < end else { return keys }
            keys.insert(try scanner.readKey().utf8)
            try scanner.expect(UInt8(ascii: ":"))
            try scanner.skipValue()
            scanner.skipWhitespace()
            if scanner.current == UInt8(ascii: ",") { scanner.index += 1 }
        }
    }

    /// Reads an array, calling `element` with each element's index; `element` must consume the element.
    package mutating func readArray(_ element: (inout JSONReader, Int) throws(JSONReadError) -> Void) throws(JSONReadError) {
        skipWhitespace()
        guard current == UInt8(ascii: "[") else { throw try typeError() }
        try enter()
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        var count = 0
        while true {
            skipWhitespace()
            do throws(JSONReadError) {
                try element(&self, count)
            } catch {
                throw error.inside(String(count))
            }
            count += 1
            if try endOfMember(closing: UInt8(ascii: "]")) { return }
        }
    }

    /// After a member of an array or object: consumes the comma, or the closing byte (also after a trailing
    /// comma, which Foundation accepts), telling whether the container ended.
    private mutating func endOfMember(closing: UInt8) throws(JSONReadError) -> Bool {
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","):
            index += 1
            skipWhitespace()
            guard current == closing else { return false }
        case closing: break
        default: throw .syntax
        }
        index += 1
        depth -= 1
        return true
    }

    private mutating func enter() throws(JSONReadError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw .syntax }
    }

    /// The error for a value of the wrong JSON type at the cursor: a type error if it is a valid value,
    /// a syntax error if it is not JSON at all.
    mutating func typeError() throws(JSONReadError) -> JSONReadError {
        switch current {
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return .wrongType
        default:
            return .syntax
        }
    }

    // MARK: - Skipping

    /// Consumes one value of any type, checking its syntax.
    package mutating func skipValue() throws(JSONReadError) {
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"): try readObject { reader, _ throws(JSONReadError) in try reader.skipValue() }
        case UInt8(ascii: "["): try readArray { reader, _ throws(JSONReadError) in try reader.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw .syntax
        }
    }
}
