import EventLog
import Sessions

/// A log record decoded once, before it reaches the database writer: its envelope, its event and the column
/// values that follow from them (``PreparedColumns``).
///
/// Decoding (the `Sessions` body reader, decision 0086) and preparing the columns (decision 0104) are done apart
/// from the writes, so the replay loop decodes the next batch while SQLite applies the current one, and the
/// projector never sees a body.
///
/// A class, not a struct: a record is copied from its slice into the joined batch and again as the projector
/// reads it, and a copy of a reference is one retain where a copy of the struct retained each of its strings,
/// its event's and its columns' (≈ 5 % of a rebuild's CPU in retains and releases, decision 0145).
final class DecodedRecord: Sendable {
    let position: LogPosition
    let stream: String
    let streamVersion: UInt64
    let recordedAtMicros: Int64
    let type: String
    let eventID: EventID
    let metadata: [String: String]
    let event: SessionEvent
    let columns: PreparedColumns

    /// Decodes `record`.
    /// - Throws: ``ProjectionError/undecodableRecord(position:type:cause:)``.
    init(_ record: LogRecord) throws(ProjectionError) {
        let event: SessionEvent
        do {
            event = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
        } catch {
            throw .undecodableRecord(position: record.position, type: record.type, cause: error)
        }
        self.event = event
        position = record.position
        stream = record.stream
        streamVersion = record.streamVersion
        recordedAtMicros = record.recordedAtMicros
        type = record.type
        eventID = record.eventID
        metadata = record.metadata
        columns = PreparedColumns(
            metadata: record.metadata, event: event, recordedAt: record.recordedAtMicros,
            currentBody: record.schemaVersion == event.schemaVersion ? record.body : nil)
    }

    /// Decodes a batch, in order.
    static func decode(_ records: some Collection<LogRecord>) throws(ProjectionError) -> [DecodedRecord] {
        var decoded: [DecodedRecord] = []
        decoded.reserveCapacity(records.count)
        for record in records { decoded.append(try DecodedRecord(record)) }
        return decoded
    }

    /// Decodes a batch in `parts` contiguous slices at once (one task each), in order: a rebuild decodes on every
    /// core, the write thread's included, since decoding and preparing the columns cost more per event than
    /// SQLite's writes (decision 0132). Small batches are decoded in one piece. Of several undecodable records,
    /// the first in log order is reported, as the one-piece decode would.
    static func decode(_ records: [LogRecord], parts: Int) async throws -> [DecodedRecord] {
        let parts = min(parts, records.count / minimumPart)
        guard parts > 1 else { return try decode(records) }
        let slices = try await withTaskGroup(of: (Int, Result<[DecodedRecord], ProjectionError>).self) { group in
            for part in 0..<parts {
                let slice = records[(part * records.count / parts)..<((part + 1) * records.count / parts)]
                group.addTask { (part, Result { () throws(ProjectionError) in try decode(slice) }) }
            }
            var slices = [Result<[DecodedRecord], ProjectionError>](repeating: .success([]), count: parts)
            for await (part, result) in group { slices[part] = result }
            return slices
        }
        var decoded: [DecodedRecord] = []
        decoded.reserveCapacity(records.count)
        for slice in slices { decoded += try slice.get() }
        return decoded
    }

    /// Fewer records than this per task would not repay starting it.
    static let minimumPart = 256
}
