import Projections
import Sessions

/// The framework items a session gained by message appends alone since version ``base``, up to its latest
/// committed ``version``: what a reader holding the items at any version from ``base`` on lacks, answered
/// without reading the database (``SessionResponseCache``, decision 0139).
struct ItemsTail: Sendable {
    /// The session's namespace (a tail answers only its own namespace's readers).
    let namespace: String
    /// The items are complete after this version: no item was removed or changed since.
    private(set) var base: UInt64
    /// The session's latest committed version.
    private(set) var version: UInt64
    /// Appended after ``base``, oldest first.
    private(set) var items: [SessionItem]
    /// An estimate of the items' size.
    private(set) var bytes: Int

    /// At most this many items are kept; the oldest go first (``base`` moves past them).
    static let maximumItems = 512
    /// At most about this many bytes of items are kept: a reader is usually a few appends behind, and a shard of the
    /// response cache must hold several tails (``SessionResponseCache`` gives each shard a sixteenth of the budget).
    static let maximumBytes = 128 << 10

    /// A tail starting at a session's state at `version`, extended by `change`.
    init?(namespace: String, at version: UInt64, extendedBy change: SessionChange) {
        self.namespace = namespace
        self.base = version
        self.version = version
        self.items = []
        self.bytes = 0
        guard extend(by: change) else { return nil }
    }

    /// Adds what `change` appended; `false` (the tail no longer holds) when it does not follow ``version`` or
    /// did more than append messages.
    mutating func extend(by change: SessionChange) -> Bool {
        guard change.firstVersion == version + 1, let appended = change.appendedItems else { return false }
        items += appended
        bytes += appended.reduce(0) { $0 + Self.bytes(of: $1) }
        version = change.lastVersion
        trim()
        return true
    }

    /// The items appended after `after`, when the tail knows them all (`after` is ``base`` or later, and not
    /// ahead of ``version``).
    func appended(after: UInt64) -> [SessionItem]? {
        guard base <= after, after <= version else { return nil }
        // From the end: a reader is usually only the last append or two behind.
        var first = items.endIndex
        while first > items.startIndex, items[first - 1].version > after { first -= 1 }
        return Array(items[first...])
    }

    private mutating func trim() {
        var dropped = 0
        while items.count - dropped > Self.maximumItems || (bytes > Self.maximumBytes && dropped < items.count) {
            bytes -= Self.bytes(of: items[dropped])
            base = items[dropped].version
            dropped += 1
        }
        // Keep whole versions: an item of a multi-item append shares its version with the next.
        while dropped < items.count, items[dropped].version == base {
            bytes -= Self.bytes(of: items[dropped])
            dropped += 1
        }
        items.removeFirst(dropped)
    }

    /// What the tail costs the cache: its items and a fixed overhead with its namespace, so that a tail without
    /// items is not free.
    var footprint: Int { 128 + namespace.utf8.count + bytes }

    private static func bytes(of item: SessionItem) -> Int { 128 + item.itemJSON.utf8.count }
}
