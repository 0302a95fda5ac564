/// The check every store makes before it appends records moved from another log as they are: they must continue
/// this log exactly, as if its own appends had made them.
public enum MovedRecords {
    /// Why `records` cannot follow a log ending at position `end` with last record time `lastRecordedAt`, or `nil`.
    /// - Parameter version: a stream's current version in the log (0: no records).
    public static func discontinuity(
        _ records: [LogRecord], end: UInt64, lastRecordedAt: Int64, version: (String) -> UInt64
    ) -> String? {
        var expected = end + 1
        var time = lastRecordedAt
        var versions: [String: UInt64] = [:]
        for record in records {
            guard record.position.rawValue == expected else {
                return "record at position \(record.position) where the log continues at \(expected)"
            }
            let current = versions[record.stream] ?? version(record.stream)
            guard record.streamVersion == current + 1 else {
                return "position \(record.position) is version \(record.streamVersion) of stream \(record.stream), which is at \(current)"
            }
            guard record.recordedAtMicros > time else {
                return "position \(record.position) is not later than the record before it"
            }
            versions[record.stream] = record.streamVersion
            time = record.recordedAtMicros
            expected += 1
        }
        return nil
    }
}
