/// What one of the daemon's bounded in-memory caches holds, for `/metrics`: its entries, and the bytes it counts
/// against its bound (the rendered bytes for kept exports, an estimate for session states and GET answers).
///
/// The caches fill up to their bounds under load and then stay there, so their sum is the part of the daemon's
/// memory that is expected to grow for a while (the soak, `tools/soak/run`, prints it beside the heap's size).
public struct CacheUsage: Sendable, Equatable {
    public var entries: Int
    public var bytes: Int

    public init(entries: Int = 0, bytes: Int = 0) {
        self.entries = entries
        self.bytes = bytes
    }

    /// Both caches' entries and bytes together.
    public static func + (lhs: CacheUsage, rhs: CacheUsage) -> CacheUsage {
        CacheUsage(entries: lhs.entries + rhs.entries, bytes: lhs.bytes + rhs.bytes)
    }
}

extension LeastRecentlyUsedCache {
    /// The entries held and the bytes counted for them.
    public var usage: CacheUsage { CacheUsage(entries: count, bytes: totalBytes) }
}
