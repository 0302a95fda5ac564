extension EventLog {
    /// What the log has done since it was opened; see ``LogStatistics``.
    public var statistics: LogStatistics { state.withLock { $0.statistics } }

    public var summary: String {
        let report = recoveryReport
        let counts = "\(report.records) records in \(report.segments) segments"
        guard report.isReadOnly else {
            return "segment files in \(directory): \(counts), \(report.truncatedBytes) bytes truncated by recovery"
        }
        let opened = "segment files in \(directory), opened read-only: \(counts)"
        if report.cuts.isEmpty { return opened + ", no torn tail" }
        let cuts = report.cuts.map(\.description).joined(separator: "; ")
        return opened + "; a torn tail (never acknowledged, not part of the log) left in place, which the next "
            + "read-write open (`sessiond serve`, `rebuild`, `compact`) cuts: " + cuts
    }
}

extension LogStatistics {
    /// Counts one committed group-commit batch (for the PostgreSQL store: one append transaction, its commit
    /// counted as the sync).
    public mutating func recordBatch(appends: Int, records: Int, frameLengths: [Int], synced: Bool) {
        self.appends += UInt64(appends)
        self.records += UInt64(records)
        frames += UInt64(frameLengths.count)
        if synced { syncs += 1 }
        for length in frameLengths { frameBytes.record(Double(length)) }
    }
}
