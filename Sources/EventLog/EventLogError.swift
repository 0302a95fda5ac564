/// Every failure of the event log, with what an operator needs to act on it.
public enum EventLogError: Error, Sendable, CustomStringConvertible {
    /// Another process (or another open in this one) holds the data directory.
    case directoryLocked(path: String)
    /// The expected-version check failed; nothing was appended.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// Some but not all of an append's event ids are already in the log, or an id is
    /// reused on another stream; nothing was appended.
    case idempotencyConflict(eventID: EventID, reason: String)
    /// The append itself is malformed (empty, or a field too long for the format).
    case invalidAppend(reason: String)
    /// A sealed segment, or a frame before the tail, does not verify.
    case corruption(file: String, offset: UInt64, reason: String)
    /// A frame names a dictionary whose file is missing or damaged.
    case missingDictionary(id: UInt32, file: String)
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// zstd refused to compress, decompress or train.
    case compression(reason: String)
    /// An earlier write or sync failed in a way that could not be undone; the log
    /// accepts no more appends until it is reopened (and recovery has run).
    case failed(reason: String)
    /// A compaction's rewrite changed what must stay (position, stream, version, time, event id),
    /// or another compaction is running.
    case invalidCompaction(reason: String)
    /// The log's store cannot be reached (the PostgreSQL server is down or unreachable); the append was not
    /// acknowledged. If it was cut off during its commit it may still have landed: retrying with the same event ids
    /// appends nothing twice.
    case unavailable(reason: String)
    /// The store was reached and refused the append for a reason a retry would meet again (a PostgreSQL error that
    /// is not about the connection, a lock or a timeout); nothing was appended.
    case refused(reason: String)
    /// The store does not offer this operation (yet).
    case unsupported(operation: String, reason: String)
    /// Something only an empty log accepts (importing dictionaries, being the target of a copy) met one that
    /// holds records or dictionaries.
    case notEmpty(reason: String)
    /// The log was opened read-only (``EventLog/Configuration/isReadOnly``): `operation` would change it, and
    /// nothing was done. `location` is the directory, or the database's URL without its password.
    case readOnly(operation: String, location: String)
    /// The log was closed.
    case closed

    public var description: String {
        switch self {
        case .directoryLocked(let path):
            "the data directory \(path) is in use by another sessiond process (lock held on \(path)/LOCK)"
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "stream \(stream) is at version \(actual), expected \(expected)"
        case .idempotencyConflict(let id, let reason):
            "event id \(id) conflicts with an earlier append: \(reason)"
        case .invalidAppend(let reason):
            "invalid append: \(reason)"
        case .corruption(let file, let offset, let reason):
            "corrupt log: \(file) at byte offset \(offset): \(reason); run `sessiond verify` for a full report"
        case .missingDictionary(let id, let file):
            "compression dictionary \(id) is missing or damaged: \(file)"
        case .io(let operation, let path, let code):
            "\(operation) failed on \(path): \(String(cString: strerror(code))) (errno \(code))"
        case .compression(let reason):
            "zstd: \(reason)"
        case .failed(let reason):
            "the log stopped accepting appends: \(reason); restart to recover"
        case .invalidCompaction(let reason):
            "compaction refused: \(reason)"
        case .unavailable(let reason):
            "the log's store is unavailable: \(reason)"
        case .refused(let reason):
            "the log's store refused the append: \(reason)"
        case .unsupported(let operation, let reason):
            "\(operation) is not supported here: \(reason)"
        case .notEmpty(let reason):
            "the log is not empty: \(reason)"
        case .readOnly(let operation, let location):
            "\(operation) refused: the log at \(location) is open read-only"
        case .closed:
            "the log is closed"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
