/// What queued, not yet durable appends have claimed: stream versions, event ids and positions.
///
/// It overlays the durable ``LogIndex`` so that appends can be checked and numbered before
/// their frame is written. When a write fails, the reservation is dropped whole and every
/// queued append fails with it, so no position is ever skipped.
struct Reservation {
    var versions: [String: UInt64] = [:]
    var eventIDs: [EventID: LogIndex.EventEntry] = [:]
    var end: UInt64 = 0
    var lastRecordedAt: Int64 = 0

    /// Forgets what `records` claimed once they are in the index, unless a later append
    /// claimed more of the same stream.
    mutating func release(_ records: [LogRecord]) {
        for record in records {
            if versions[record.stream] == record.streamVersion { versions[record.stream] = nil }
            eventIDs[record.eventID] = nil
        }
    }
}
