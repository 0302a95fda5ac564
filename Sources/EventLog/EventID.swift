import Foundation

/// A record's globally unique id (a UUID), the key of idempotent appends.
///
/// Appending a record whose id the log already holds appends nothing and answers
/// with the original position.
public struct EventID: Hashable, Sendable, CustomStringConvertible {
    /// The UUID's 16 bytes, big-endian, split in two words.
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(_ uuid: UUID) {
        let u = uuid.uuid
        high = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7].reduce(0) { $0 << 8 | UInt64($1) }
        low = [u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Parses the canonical 36-character UUID text; `nil` for anything else.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.init(uuid)
    }

    /// A new random (version 4) id.
    ///
    /// From the system generator (`getrandom`), not Foundation's `UUID()`, which on Linux opens, reads and closes
    /// `/dev/urandom` for every id: three system calls per appended event (decision 0149).
    public static func random() -> EventID {
        var generator = SystemRandomNumberGenerator()
        let (high, low) = (generator.next() as UInt64, generator.next() as UInt64)
        // The version nibble (the high word's bits 12–15) is 4; the variant (the low word's top two bits) is 10.
        return EventID(high: high & ~0xF000 | 0x4000, low: low & ~(0b11 << 62) | 0b10 << 62)
    }

    public var uuid: UUID {
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * index)) }
        return UUID(uuid: (
            byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3),
            byte(high, 4), byte(high, 5), byte(high, 6), byte(high, 7),
            byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3),
            byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)
        ))
    }

    /// Lowercase canonical UUID text.
    public var description: String { uuid.uuidString.lowercased() }
}
