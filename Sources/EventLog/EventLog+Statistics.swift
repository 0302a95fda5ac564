extension EventLog {
    /// What the log has done since it was opened; see ``LogStatistics``.
    public var statistics: LogStatistics { state.withLock { $0.statistics } }

    public var summary: String {
        "segment files in \(directory): \(recoveryReport.records) records in \(recoveryReport.segments) segments, "
            + "\(recoveryReport.truncatedBytes) bytes truncated by recovery"
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
