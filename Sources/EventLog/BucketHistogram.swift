/// A distribution over fixed buckets, as a Prometheus histogram reports it: `counts[i]` is the number of
/// observations `≤ upperBounds[i]` and `> upperBounds[i - 1]`; ``overflow`` counts those above the last bound.
public struct BucketHistogram: Sendable, Equatable {
    /// The buckets' inclusive upper bounds, ascending.
    public let upperBounds: [Double]
    /// Observations per bucket (not cumulative).
    public private(set) var counts: [UInt64]
    /// Observations above the last bound.
    public private(set) var overflow: UInt64 = 0
    /// The sum of every observation.
    public private(set) var sum: Double = 0

    /// Creates an empty histogram.
    /// - Parameter upperBounds: Ascending bucket bounds.
    public init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        counts = Array(repeating: 0, count: upperBounds.count)
    }

    /// The number of observations.
    public var count: UInt64 { counts.reduce(overflow, +) }

    /// Adds one observation.
    public mutating func record(_ value: Double) {
        sum += value
        if let bucket = upperBounds.firstIndex(where: { value <= $0 }) {
            counts[bucket] += 1
        } else {
            overflow += 1
        }
    }
}
