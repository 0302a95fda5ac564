import EventLog
import Sessions

/// Everything that can go wrong in the Projections module, with what an operator or a caller needs to act.
///
/// Log failures pass through as ``EventLog/EventLogError`` and command rejections as ``Sessions/SessionError``;
/// these cases are the projections' own.
public enum ProjectionError: Error, Sendable, CustomStringConvertible {
    /// The database's checkpoint is past the log's durable end: the log lost records the projection saw (a
    /// crash with relaxed durability, a log restored from an older backup) or the files belong to different
    /// logs. The store refuses to serve; `sessiond rebuild` replays the log into a fresh database.
    case checkpointAheadOfLog(path: String, checkpoint: LogPosition, durableEnd: LogPosition)
    /// The compare-and-set of a checkpoint found another position than the writer expected: a second writer
    /// applied events to the same database. Nothing of the batch was committed.
    case checkpointConflict(name: String, expected: LogPosition, found: LogPosition)
    /// The database was written by a newer sessiond whose schema this build does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// A log record could not be decoded as a session event; the projection stops before it.
    case undecodableRecord(position: LogPosition, type: String, cause: SessionError)
    /// SQLite failed; `reason` is the database's message (never statement arguments).
    case database(operation: String, reason: String)
    /// SQLite found no space on the disk (`SQLITE_FULL`); the transaction was rolled back and nothing of it
    /// is visible. The replay loop retries the same batch until space returns.
    case diskFull(operation: String)
    /// The replay loop is not running (it stopped, failed or was never started), so a position can never
    /// be reached.
    case replayStopped(reason: String)
    /// The client's expected version (`If-Match`) is not the session's version; nothing was appended.
    case wrongExpectedVersion(session: SessionID, expected: UInt64, actual: UInt64)
    /// A file operation of a rebuild (rename, fsync) failed.
    case io(operation: String, path: String, errno: Int32)
    /// Other writers (other nodes on a shared log) appended to the session before every one of `attempts`
    /// decisions of a command without an expected version could be appended; nothing was appended.
    case contended(session: SessionID, attempts: Int)

    /// A one-line description for operators; never holds event bodies.
    public var description: String {
        switch self {
        case .checkpointAheadOfLog(let path, let checkpoint, let durableEnd):
            "the projection database \(path) is at log position \(checkpoint) but the log ends at \(durableEnd); "
                + "refusing to serve: run `sessiond rebuild` to replay the log into a fresh database"
        case .checkpointConflict(let name, let expected, let found):
            "checkpoint '\(name)' is at \(found), expected \(expected): another writer applied events"
        case .newerSchema(let path, let found, let supported):
            "the projection database \(path) has schema version \(found); this build supports up to \(supported)"
        case .undecodableRecord(let position, let type, let cause):
            "cannot project log record \(position) of type '\(type)': \(cause.message)"
        case .database(let operation, let reason):
            "projection database: \(operation) failed: \(reason)"
        case .diskFull(let operation):
            "projection database: \(operation) failed: the disk is full"
        case .replayStopped(let reason):
            "the replay loop is not running: \(reason)"
        case .wrongExpectedVersion(let session, let expected, let actual):
            "session \(session) is at version \(actual), expected \(expected)"
        case .io(let operation, let path, let code):
            "\(operation) failed on \(path) (errno \(code))"
        case .contended(let session, let attempts):
            "session \(session) changed under each of \(attempts) attempts to append; nothing was appended"
        }
    }
}
