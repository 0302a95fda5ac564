/// Writes an event body byte for byte as ``EventJSON/encoder`` does — compact, keys in sorted order (the caller writes
/// them so), slashes unescaped, a double as its shortest `description` without a trailing `.0` — without
/// `JSONEncoder`'s reflection. For the events every append writes (decision 0118); tests compare its output with the
/// encoder's for every event of a generated corpus and for every character that needs escaping.
struct EventBodyWriter {
    private(set) var bytes: [UInt8]
    private var needsComma = false

    init(capacity: Int) { bytes = []; bytes.reserveCapacity(capacity) }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    /// Writes `"key":`; the value follows. Keys are plain ASCII names, never escaped.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes `"key":` for a key of free form (a member of a ``JSONValue`` object), escaped as a string is.
    mutating func memberKey(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        JSONStringLiteral.append(value, to: &bytes)
        needsComma = true
    }

    mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: value.description.utf8)
        needsComma = true
    }

    /// A finite double as `JSONEncoder` writes it; the caller checks finiteness.
    mutating func double(_ value: Double) {
        separate()
        let text = value.description
        bytes.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// Writes already encoded JSON as a value.
    mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
