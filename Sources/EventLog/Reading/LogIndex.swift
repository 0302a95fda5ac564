/// The in-memory index of what is durable: segments, frames, stream versions and event ids.
///
/// Rebuilt by scanning the log on open; extended by each committed batch.
struct LogIndex {
    struct StreamEntry {
        var version: UInt64 = 0
        var positions: [UInt64] = []
    }

    struct EventEntry {
        let position: UInt64
        let streamVersion: UInt64
        let stream: String
    }

    var segments: [SegmentInfo] = []
    var frames: [FrameLocation] = []
    var streams: [String: StreamEntry] = [:]
    var eventIDs: [EventID: EventEntry] = [:]
    var durableEnd: UInt64 = 0
    var lastRecordedAt: Int64 = 0

    mutating func add(_ records: [LogRecord]) {
        for record in records {
            streams[record.stream, default: StreamEntry()].version = record.streamVersion
            streams[record.stream]!.positions.append(record.position.rawValue)
            eventIDs[record.eventID] = EventEntry(
                position: record.position.rawValue, streamVersion: record.streamVersion, stream: record.stream)
        }
        if let last = records.last {
            durableEnd = last.position.rawValue
            lastRecordedAt = last.recordedAtMicros
        }
    }

    /// The index in ``frames`` of the frame holding `position`, if it is durable.
    func frameIndex(containing position: UInt64) -> Int? {
        guard position >= 1, position <= durableEnd else { return nil }
        var low = 0
        var high = frames.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if frames[mid].firstPosition <= position { low = mid } else { high = mid - 1 }
        }
        return frames.isEmpty ? nil : low
    }
}
