/// A dictionary bounded by entry count and by a caller-given size per entry; inserting past either bound
/// drops the least recently used entries first.
///
/// Every operation is O(1), none amortised: the entries are nodes of a doubly linked list kept in one array
/// (indices, not references: no allocation per node, no reference counting), most recently used first, and the
/// dictionary maps a key to its node. A lookup moves its node to the front; eviction takes from the back; a
/// removed node's slot is reused by the next insert. (The access log this replaced was rebuilt and sorted
/// under the callers' locks every n + 64 lookups: a pause in some request that grew with the cache.)
public struct LeastRecentlyUsedCache<Key: Hashable, Value> {
    fileprivate struct Node {
        /// `nil` while the slot is free.
        var entry: (key: Key, value: Value)?
        var bytes: Int
        /// The neighbours' slots, ``none`` at either end.
        var newer: Int
        var older: Int
    }

    private static var none: Int { -1 }

    /// At most this many entries.
    public let capacity: Int
    /// At most this many bytes (as the caller counts them) over all entries; a single larger entry is kept
    /// alone until the next insert.
    public let byteLimit: Int
    private var slots: [Key: Int] = [:]
    private var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var newest = Self.none
    private var oldest = Self.none
    /// The bytes of every entry, as given to ``insert(_:bytes:for:)``.
    public private(set) var totalBytes = 0

    /// Creates an empty cache holding at most `capacity` entries and `byteLimit` bytes.
    public init(capacity: Int, byteLimit: Int) {
        self.capacity = max(1, capacity)
        self.byteLimit = byteLimit
    }

    /// How many entries the cache holds.
    public var count: Int { slots.count }

    /// How many node slots the cache keeps, free ones included (tests: at most one more than the most entries
    /// it ever held).
    var storageSlots: Int { nodes.count }

    /// The keys from the least to the most recently used (tests).
    var keysFromLeastRecent: [Key] {
        var keys: [Key] = []
        var slot = oldest
        while slot != Self.none {
            keys.append(nodes[slot].entry!.key)
            slot = nodes[slot].newer
        }
        return keys
    }

    /// The entry for `key`, which becomes the most recently used.
    public mutating func value(for key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        moveToFront(slot)
        return nodes[slot].entry?.value
    }

    /// Stores `value` as the most recently used entry, then evicts the least recently used others while the
    /// cache is over either bound.
    public mutating func insert(_ value: Value, bytes: Int, for key: Key) {
        if let slot = slots[key] {
            totalBytes += bytes - nodes[slot].bytes
            nodes[slot].entry = (key, value)
            nodes[slot].bytes = bytes
            moveToFront(slot)
        } else {
            let node = Node(entry: (key, value), bytes: bytes, newer: Self.none, older: Self.none)
            let slot: Int
            if let reused = freeSlots.popLast() {
                slot = reused
                nodes[slot] = node
            } else {
                slot = nodes.count
                nodes.append(node)
            }
            slots[key] = slot
            totalBytes += bytes
            linkAtFront(slot)
        }
        // The new entry is the newest, so while two or more remain the oldest is another.
        while slots.count > 1, slots.count > capacity || totalBytes > byteLimit {
            remove(nodes[oldest].entry!.key)
        }
    }

    /// Drops the entry for `key`, if any, and returns its value.
    @discardableResult
    public mutating func remove(_ key: Key) -> Value? {
        guard let slot = slots.removeValue(forKey: key) else { return nil }
        unlink(slot)
        totalBytes -= nodes[slot].bytes
        let value = nodes[slot].entry?.value
        nodes[slot].entry = nil
        freeSlots.append(slot)
        return value
    }

    /// Drops every entry.
    public mutating func removeAll() {
        slots.removeAll()
        nodes.removeAll()
        freeSlots.removeAll()
        newest = Self.none
        oldest = Self.none
        totalBytes = 0
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func linkAtFront(_ slot: Int) {
        nodes[slot].newer = Self.none
        nodes[slot].older = newest
        if newest != Self.none { nodes[newest].newer = slot } else { oldest = slot }
        newest = slot
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (nodes[slot].newer, nodes[slot].older)
        if newer != Self.none { nodes[newer].older = older } else { newest = older }
        if older != Self.none { nodes[older].newer = newer } else { oldest = newer }
    }
}

// A value of Sendable keys and values (a reader of a global feed carries one into its stream's task).
extension LeastRecentlyUsedCache: Sendable where Key: Sendable, Value: Sendable {}
extension LeastRecentlyUsedCache.Node: Sendable where Key: Sendable, Value: Sendable {}
