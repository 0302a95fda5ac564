import EventLog
import Sessions

extension EventID {
    /// The event id of the `index`-th event appended for an idempotency key on a session: the same inputs
    /// always give the same id, so a retried request re-proposes the ids the log already holds and appends
    /// nothing twice.
    ///
    /// The 128 bits are two 64-bit FNV-1a hashes (different offset bases) of
    /// `session ␀ key ␀ index`, with the RFC 9562 version set to 8 (custom) and the variant to `10`. FNV is
    /// not a cryptographic hash: ids are unpredictable to nobody, which is fine for a key the client chose
    /// and an id scoped to its own session (docs/decisions/0006-deterministic-event-ids.md).
    public static func derived(session: SessionID, idempotencyKey key: String, index: Int) -> EventID {
        var bytes = Array(session.rawValue.utf8)
        bytes.append(0)
        bytes.append(contentsOf: key.utf8)
        bytes.append(0)
        bytes.append(contentsOf: String(index).utf8)
        func fnv1a(_ basis: UInt64) -> UInt64 {
            var hash = basis
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            return hash
        }
        var high = fnv1a(0xcbf2_9ce4_8422_2325)
        var low = fnv1a(0x6c62_272e_07bb_0142)
        high = (high & ~0x0000_0000_0000_f000) | 0x0000_0000_0000_8000
        low = (low & ~0xc000_0000_0000_0000) | 0x8000_0000_0000_0000
        return EventID(high: high, low: low)
    }
}
