/// The records the log made durable last, kept in memory so that a reader following the log's end (the replay
/// loop, live streams) gets them without reading their frames back from the segment and decompressing them again.
///
/// Only ``EventLog``'s commit adds to it, after the frame is synced, so it never holds a record that is not durable;
/// it always ends at the durable end (or is empty). Bounded by a record count and by the bytes of their bodies; the
/// oldest go first, and a read starting before what is kept goes to the segments as before.
struct RecentRecords {
    /// At most this many records are kept: a replay loop following the log lags by one projection transaction's
    /// worth of appends, far fewer; one further behind reads the segments.
    static let maximumCount = 1024
    /// At most this many body bytes (plus a fixed overhead per record) are kept.
    static let maximumBytes = 2 << 20

    private var records: [LogRecord] = []
    /// Index in `records` of the oldest record still kept; the dropped prefix is removed in bulk.
    private var start = 0
    private var bytes = 0
    /// The bytes of the dropped prefix, still held until it is removed: bounded too, or a few large bodies would
    /// stay in memory long after they were dropped.
    private var droppedBytes = 0

    /// Adds records just made durable; `records` continue the log (their first position follows the last kept).
    mutating func add(_ added: [LogRecord]) {
        if let last = records.last, let first = added.first, first.position.rawValue != last.position.rawValue + 1 {
            removeAll()
        }
        records += added
        for record in added { bytes += Self.size(of: record) }
        while records.count - start > Self.maximumCount || (bytes > Self.maximumBytes && records.count - start > 1) {
            let size = Self.size(of: records[start])
            bytes -= size
            droppedBytes += size
            start += 1
        }
        if start > Self.maximumCount || droppedBytes > Self.maximumBytes {
            records.removeFirst(start)
            start = 0
            droppedBytes = 0
        }
    }

    /// Forgets every record (after a compaction rewrote some of them).
    mutating func removeAll() {
        records = []
        start = 0
        bytes = 0
        droppedBytes = 0
    }

    /// Up to `limit` records from `position` on, or `nil` when the oldest kept record comes after `position` (or
    /// none is kept): then the segments must be read. Empty when `position` is past the last kept record.
    func records(from position: LogPosition, limit: Int) -> ArraySlice<LogRecord>? {
        guard start < records.count else { return nil }
        let first = records[start].position.rawValue
        let wanted = max(position.rawValue, 1)
        guard wanted >= first else { return nil }
        let offset = start + Int(min(wanted - first, UInt64(records.count)))
        let from = min(offset, records.count)
        return records[from..<(from + min(max(limit, 0), records.count - from))]
    }

    /// The bytes held: the kept records' and the dropped prefix's not yet removed (for tests).
    var heldBytes: Int { bytes + droppedBytes }

    private static func size(of record: LogRecord) -> Int {
        record.body.count + record.stream.utf8.count + record.type.utf8.count + 64
    }
}
