import Foundation

/// Reuses the `String`s of a frame's repeated stream ids and event types instead of
/// allocating one per record: a frame holds few distinct values of each.
struct StringInterner {
    private var recent: [(bytes: [UInt8], string: String)] = []

    mutating func string(for bytes: UnsafeRawBufferPointer) -> String {
        for entry in recent where entry.bytes.count == bytes.count {
            let same = entry.bytes.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            if same || bytes.isEmpty { return entry.string }
        }
        let string = String(decoding: bytes, as: UTF8.self)
        if recent.count == 16 { recent.removeFirst() }
        recent.append((Array(bytes), string))
        return string
    }
}
