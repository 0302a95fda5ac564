import EventLog
import Foundation

extension EventID {
    /// The canonical lowercase UUID text, formatted by hand (`description` goes through Foundation's
    /// `uuidString` and `lowercased()`, which costs more than the rest of indexing an event).
    var canonicalText: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var index = 0
        func put(_ word: UInt64, from: Int, count: Int) {
            for nibble in (0..<count).reversed() {
                if index == 8 || index == 13 || index == 18 || index == 23 { index += 1 }
                bytes[index] = digits[Int((word >> UInt64((from + nibble) * 4)) & 0xF)]
                index += 1
            }
        }
        put(high, from: 0, count: 16)
        put(low, from: 0, count: 16)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The id stored as a 16-byte BLOB (`eventIndex.eventId`); `nil` for any other length.
    init?(blob: Data) {
        guard blob.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (offset, byte) in blob.enumerated() {
            if offset < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }
}
