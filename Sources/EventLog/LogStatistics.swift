/// Counters a log store keeps about its own work, for an operator's dashboard: how many appends it took,
/// how many frames and syncs carried them, and how large the frames were.
///
/// A snapshot: read it with ``LogStore/statistics``; the counters only grow while the store is open and
/// start at zero when it opens. The log knows nothing of who reads them (the HTTP layer renders them as
/// Prometheus metrics).
public struct LogStatistics: Sendable, Equatable {
    /// Append calls that appended records (deduplicated retries and failures are not counted).
    public var appends: UInt64 = 0
    /// Records appended.
    public var records: UInt64 = 0
    /// Frames written.
    public var frames: UInt64 = 0
    /// `fdatasync` calls made for frames (0 with relaxed durability).
    public var syncs: UInt64 = 0
    /// Frame sizes in bytes (header plus payload, as written).
    public var frameBytes = BucketHistogram(upperBounds: [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304])

    /// Creates empty statistics.
    public init() {}
}
