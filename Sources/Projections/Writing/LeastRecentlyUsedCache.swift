/// A dictionary bounded by entry count and by a caller-given size per entry; inserting past either bound
/// drops the least recently used entries first.
///
/// Lookups and inserts are amortised O(1): every use is appended to an access log with a tick, stale log
/// entries (the key was used again since) are skipped when evicting, and the log is rebuilt from the live
/// entries once it holds more than twice as many records as there are entries.
public struct LeastRecentlyUsedCache<Key: Hashable, Value> {
    private struct Slot {
        var value: Value
        var bytes: Int
        var tick: UInt64
    }

    /// At most this many entries.
    public let capacity: Int
    /// At most this many bytes (as the caller counts them) over all entries; a single larger entry is kept
    /// alone until the next insert.
    public let byteLimit: Int
    private var slots: [Key: Slot] = [:]
    private var accessLog: [(key: Key, tick: UInt64)] = []
    private var oldest = 0
    private var clock: UInt64 = 0
    /// The bytes of every entry, as given to ``insert(_:bytes:for:)``.
    public private(set) var totalBytes = 0

    /// Creates an empty cache holding at most `capacity` entries and `byteLimit` bytes.
    public init(capacity: Int, byteLimit: Int) {
        self.capacity = max(1, capacity)
        self.byteLimit = byteLimit
    }

    /// How many entries the cache holds.
    public var count: Int { slots.count }

    /// How many access records the cache keeps (tests: it stays proportional to ``count``).
    var accessRecords: Int { accessLog.count }

    /// The entry for `key`, which becomes the most recently used.
    public mutating func value(for key: Key) -> Value? {
        guard slots[key] != nil else { return nil }
        touch(key)
        return slots[key]?.value
    }

    /// Stores `value` as the most recently used entry, then evicts the least recently used others while the
    /// cache is over either bound.
    public mutating func insert(_ value: Value, bytes: Int, for key: Key) {
        totalBytes += bytes - (slots[key]?.bytes ?? 0)
        slots[key] = Slot(value: value, bytes: bytes, tick: 0)
        touch(key)
        while slots.count > 1, slots.count > capacity || totalBytes > byteLimit, oldest < accessLog.count {
            let (candidate, tick) = accessLog[oldest]
            oldest += 1
            guard let slot = slots[candidate], slot.tick == tick, candidate != key else { continue }
            remove(candidate)
        }
    }

    /// Drops the entry for `key`, if any.
    public mutating func remove(_ key: Key) {
        if let slot = slots.removeValue(forKey: key) { totalBytes -= slot.bytes }
    }

    /// Drops every entry.
    public mutating func removeAll() {
        slots.removeAll()
        accessLog.removeAll()
        oldest = 0
        totalBytes = 0
    }

    private mutating func touch(_ key: Key) {
        clock += 1
        slots[key]?.tick = clock
        accessLog.append((key, clock))
        // The whole log counts, the prefix eviction consumed too: with inserts that only evict, the live part
        // stays the cache's size while the array would grow without end.
        if accessLog.count > 2 * slots.count + 64 {
            accessLog = slots.map { (key: $0.key, tick: $0.value.tick) }.sorted { $0.tick < $1.tick }
            oldest = 0
        }
    }
}
