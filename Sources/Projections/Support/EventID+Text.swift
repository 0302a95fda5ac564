import EventLog

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
}
