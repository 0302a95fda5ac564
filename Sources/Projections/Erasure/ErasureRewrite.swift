import EventLog
import Sessions

/// The log rewrite of permanent deletion: which records of which streams compaction replaces, and with what.
///
/// Every record of a stream in ``tombstones`` before that stream's latest tombstone, but the tombstones themselves,
/// becomes ``Sessions/EventErased`` (see ``Sessions/EventErased/replacing(type:schemaVersion:)``), keeping position,
/// stream, version, time, event id and the who-and-which-request metadata; every other record is kept — those after
/// the tombstone too: they belong to the session created again under the same id (decision 0177). The tombstones
/// are ones the projections already applied, so nothing that could still be read as live is erased.
struct ErasureRewrite: Sendable {
    /// The metadata an erased record keeps: the audit trail's who and which request, never content.
    static let keptMetadata: Set<String> = [RecordMetadata.actorKey, RecordMetadata.requestID]

    /// The deleted sessions to erase, each with the stream version of its latest tombstone.
    let tombstones: [String: UInt64]

    /// The replacement for `record`, or `nil` to keep it.
    func replacement(for record: LogRecord) -> LogRecord? {
        guard let tombstone = tombstones[record.stream], record.streamVersion < tombstone,
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
