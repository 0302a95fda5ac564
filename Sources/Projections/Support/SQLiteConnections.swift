internal import CSQLiteSetup
internal import GRDB
internal import GRDBSQLite

/// Opens the projections' SQLite connections: every one is opened here, so that the process-wide options are
/// set before SQLite initializes.
///
/// The options (`sessiond_sqlite_set_up`, decision 0160): no memory statistics, which took a global mutex around
/// every SQLite allocation (1.7 % of a rebuild's samples, ≈ 0.5 µs of its write thread per event). GRDB already
/// opens each connection without a mutex of its own.
enum SQLiteConnections {
    /// A connection to `path`, used through a serial queue.
    static func queue(_ path: String, configuration: GRDB.Configuration = .init()) throws -> DatabaseQueue {
        _ = processOptions
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// A writer and concurrent readers of `path` (WAL mode).
    static func pool(_ path: String, configuration: GRDB.Configuration) throws -> DatabasePool {
        _ = processOptions
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// The options' result, once per process: `SQLITE_MISUSE` when something else in the process initialized
    /// SQLite first, which leaves SQLite's defaults (slower, equally correct).
    static let processOptions: Int32 = sessiond_sqlite_set_up()

    /// Whether the options took effect (``processOptions`` was `SQLITE_OK`).
    static var optionsTookEffect: Bool { processOptions == SQLITE_OK }
}
