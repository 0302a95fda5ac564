import EventLog
import Sessions

/// The log rewrite of permanent deletion: which records of which streams compaction replaces, and with what.
///
/// Every record of a stream in ``streams`` but its tombstone becomes ``Sessions/EventErased`` (see
/// ``Sessions/EventErased/replacing(type:schemaVersion:)``), keeping position, stream, version, time, event id
/// and the who-and-which-request metadata; every other record is kept. The streams are sessions whose
/// tombstone the projections already applied, so nothing that could still be read as live is erased.
struct ErasureRewrite: Sendable {
    /// The metadata an erased record keeps: the audit trail's who and which request, never content.
    static let keptMetadata: Set<String> = [RecordMetadata.actorKey, RecordMetadata.requestID]

    /// The deleted sessions to erase.
    let streams: Set<String>

    /// The replacement for `record`, or `nil` to keep it.
    func replacement(for record: LogRecord) -> LogRecord? {
        guard streams.contains(record.stream),
            let erased = EventErased.replacing(type: record.type, schemaVersion: record.schemaVersion)
        else { return nil }
        var replaced = record
        replaced.type = erased.type
        replaced.schemaVersion = erased.schemaVersion
        replaced.body = erased.body
        replaced.metadata = record.metadata.filter { Self.keptMetadata.contains($0.key) }
        return replaced
    }
}
