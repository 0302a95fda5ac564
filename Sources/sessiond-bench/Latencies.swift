/// Latency samples in milliseconds and their percentiles (nearest rank).
struct Latencies {
    private(set) var samples: [Double] = []
    private var sorted = true

    mutating func add(_ milliseconds: Double) {
        samples.append(milliseconds)
        sorted = false
    }

    mutating func add(contentsOf other: Latencies) {
        samples += other.samples
        sorted = false
    }

    var count: Int { samples.count }

    /// The `p`-quantile (0…1), 0 without samples.
    mutating func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        if !sorted {
            samples.sort()
            sorted = true
        }
        return samples[min(samples.count - 1, Int(Double(samples.count) * p))]
    }
}
