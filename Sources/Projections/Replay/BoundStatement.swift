import EventLog
internal import GRDB
internal import GRDBSQLite

/// A value the projector binds to a statement parameter.
protocol SQLiteBindable {
    /// Binds the value to parameter `index` of `handle`, returning SQLite's result code.
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32
}

/// One of the projector's prepared statements (or the export's scan), its parameters bound in order straight
/// through the SQLite C API, then run.
///
/// GRDB's `StatementArguments` box every value as a `DatabaseValue` before binding it; on the replay path that
/// boxing cost as much as SQLite's own work (docs/benchmarks.md, "Projections"). The values are bound as GRDB
/// binds them (integers and booleans as INTEGER, doubles as REAL, strings as TEXT, `nil` as NULL), so rows are
/// the same either way.
struct BoundStatement {
    private let statement: Statement
    private var next: Int32 = 1
    private var failure: Int32 = SQLITE_OK

    init(_ statement: Statement) { self.statement = statement }

    /// Binds the next parameter.
    mutating func bind<Value: SQLiteBindable>(_ value: Value?) {
        let handle = statement.sqliteStatement
        let code = value.map { $0.bind(to: handle, at: next) } ?? sqlite3_bind_null(handle, next)
        if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
        next += 1
    }

    /// Runs the statement once with the bound values (it must return no rows), then resets it.
    func run() throws {
        let handle = statement.sqliteStatement
        let code = failure == SQLITE_OK ? sqlite3_step(handle) : failure
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Runs the statement with the bound values, calling `body` with each row it returns, then resets it.
    func forEachRow(_ body: (SteppedRow) throws -> Void) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        if failure != SQLITE_OK { throw error(failure) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            try body(SteppedRow(handle: handle))
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(statement.sqliteStatement).map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}

extension Int64: SQLiteBindable {
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(handle, index, self) }
}

extension Int: SQLiteBindable {
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(handle, index, Int64(self)) }
}

extension Bool: SQLiteBindable {
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(handle, index, self ? 1 : 0) }
}

extension Double: SQLiteBindable {
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_double(handle, index, self) }
}

extension String: SQLiteBindable {
    /// Binds a copy of the text (SQLite's `SQLITE_TRANSIENT`), so the string need not outlive the call.
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32 {
        var text = self
        return text.withUTF8 { utf8 in
            // An empty buffer may have no address, which SQLite would bind as NULL: bind "" explicitly.
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, SQLITE_STATIC)
            }
            return sqlite3_bind_text(handle, index, base, Int32(utf8.count), SQLITE_TRANSIENT)
        }
    }
}

extension [UInt8]: SQLiteBindable {
    /// Binds a copy of the bytes as a BLOB (an empty array as an empty BLOB, not NULL).
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32 {
        withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return sqlite3_bind_blob(handle, index, base, Int32(bytes.count), SQLITE_TRANSIENT)
        }
    }
}

extension EventID: SQLiteBindable {
    /// Binds the id as a 16-byte BLOB, the UUID's bytes in order (``EventID/init(blob:)`` reads it back).
    func bind(to handle: OpaquePointer, at index: Int32) -> Int32 {
        var bytes = (high.bigEndian, low.bigEndian)
        return withUnsafeBytes(of: &bytes) { sqlite3_bind_blob(handle, index, $0.baseAddress, 16, SQLITE_TRANSIENT) }
    }
}

/// SQLite's destructor markers, which the C headers define as casts Swift does not import.
private let SQLITE_STATIC = unsafeBitCast(0, to: sqlite3_destructor_type.self)
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
