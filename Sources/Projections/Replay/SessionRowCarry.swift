internal import GRDB

/// The session rows a rebuild hands from one batch to the next, so each session's row is read from the
/// database at most once per rebuild instead of once per batch — and, while one transaction spans the batches,
/// written once when it ends instead of once per batch.
///
/// Only a rebuild uses it: it is the only writer of its fresh file, and any failure abandons the file, so the
/// rows always equal the committed ones plus the ``unwritten`` changes. Its batches run one at a time, which is
/// why the class needs no lock.
final class SessionRowCarry: @unchecked Sendable {
    /// Beyond this many rows the carry starts empty again (bounding memory; rows are then read once more), after
    /// the changed ones are written.
    let capacity: Int

    /// Tombstones left for the end of a rebuild whose one transaction spans every batch; `nil` when each batch
    /// commits on its own, so each applies its tombstones in full.
    var deferredDeletes: DeferredDeletes?
    /// The live messages of every session, while `transcriptMessageBySession` waits for the end (with
    /// ``deferredDeletes``), until there are more than ``messageCapacity`` (``boundLiveMessages(in:)``).
    private(set) var liveMessages: LiveMessages?
    /// Beyond this many live messages, the rebuild builds the index and forgets ``liveMessages``.
    let messageCapacity: Int

    init(capacity: Int, deferringDeletes: Bool = false, messageCapacity: Int = .max) {
        self.capacity = capacity
        self.messageCapacity = messageCapacity
        deferredDeletes = deferringDeletes ? DeferredDeletes() : nil
        liveMessages = deferringDeletes ? LiveMessages() : nil
    }

    /// Past ``messageCapacity`` live messages (checked between batches, so a batch may overshoot it), builds
    /// `transcriptMessageBySession` inside the transaction and lets the rest of the rebuild remove messages
    /// through it, as the live store does. The tombstones so far delete their messages first: the SQL path
    /// reads every row of a session id, and a session re-created after its tombstone must not see the old rows.
    func boundLiveMessages(in db: Database) throws {
        guard let live = liveMessages, live.count > messageCapacity else { return }
        try TranscriptMessageRow.createIndexes(in: db)
        try deferredDeletes?.stopDeferring(TranscriptMessageRow.databaseTableName, in: db)
        liveMessages = nil
    }

    /// Rows as the transaction holds them after the last batch; `nil` marks a session known not to exist.
    var rows: [String: SessionRow?] = [:]
    /// Rows changed by the open transaction and not written yet.
    var unwritten = UnwrittenSessions()

    /// The `stream` keys of the session ids seen so far (a key, once given, never changes).
    var streamKeys: [String: Int64] = [:]

    /// Keeps `keys` for the next batch, or nothing when there are more than ``capacity``.
    func keep(_ keys: [String: Int64]) { streamKeys = keys.count > capacity ? [:] : keys }

    /// Whether `rows` are too many to keep: the batch writes them and the carry forgets them.
    func isFull(_ rows: [String: SessionRow?]) -> Bool { rows.count > capacity }

    /// Keeps `rows` and the `unwritten` changes for the next batch, or nothing when there are too many rows.
    func keep(_ rows: [String: SessionRow?], unwritten: UnwrittenSessions) {
        if isFull(rows) {
            precondition(unwritten.touched.isEmpty, "session rows dropped before they were written")
            self.rows = [:]
            self.unwritten = UnwrittenSessions()
        } else {
            self.rows = rows
            self.unwritten = unwritten
        }
    }
}
