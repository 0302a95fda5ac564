import Foundation
import Sessions

/// A minimal streaming JSON writer for exports and item pages: compact output, keys in the order written, no
/// reflection.
///
/// Exports render thousands of messages; building them through `JSONEncoder` would cost more than the query.
/// Callers write keys in a fixed order, so the same export always yields the same bytes.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    /// A writer into `buffer` emptied, its capacity kept (a buffer reused from an earlier render, its memory
    /// already faulted in) and raised to `capacity` if below.
    init(reusing buffer: [UInt8], capacity: Int) {
        bytes = buffer
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":`; the value follows.
    public mutating func key(_ key: String) {
        separate()
        JSONStringLiteral.append(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        JSONStringLiteral.append(value, to: &bytes)
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    public mutating func double(_ value: Double) {
        separate()
        if value.isFinite {
            if value == value.rounded(), abs(value) < 1e15 {
                bytes.append(contentsOf: String(Int64(value)).utf8)
            } else {
                bytes.append(contentsOf: "\(value)".utf8)
            }
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes already-encoded JSON as a value (e.g. a stored JSON column).
    public mutating func raw(_ json: String) {
        separate()
        bytes.append(contentsOf: json.utf8)
        needsComma = true
    }

    /// Writes already-encoded JSON as a value, from bytes (e.g. a stored string literal).
    public mutating func raw(_ json: UnsafeRawBufferPointer) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// Writes an already-encoded value that `write` appends to the output.
    public mutating func raw(_ write: (inout [UInt8]) -> Void) {
        separate()
        write(&bytes)
        needsComma = true
    }

    /// Writes already-encoded members of the object being written (`"a":1,"b":2`, no braces), e.g. a stored
    /// fragment of an export; nothing for none.
    public mutating func members(_ json: UnsafeRawBufferPointer) {
        guard !json.isEmpty else { return }
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// Writes already-encoded members, as the bytes variant does.
    public mutating func members(_ json: String) {
        var json = json
        json.withUTF8 { members(UnsafeRawBufferPointer($0)) }
    }

    /// `"key": value` when `value` is present.
    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ value: Double?) {
        guard let value else { return }
        key(name)
        double(value)
    }

    public mutating func field(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bool(value)
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
