internal import GRDB
internal import GRDBSQLite
import Sessions

/// The current row of a statement being stepped through SQLite's C API, its columns read in place: for the
/// scans where GRDB's `Row` (a closure and a `Data` per column read) costs more than SQLite's own work.
/// Valid only inside ``BoundStatement/forEachRow(_:)``'s body.
struct SteppedRow {
    let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(handle, column) }

    /// An integer column; 0 for `NULL`.
    func intOrZero(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func int(_ column: Int32) -> Int? { isNull(column) ? nil : Int(sqlite3_column_int64(handle, column)) }

    /// A boolean stored as an integer, as GRDB reads one: any non-zero value is `true`; `false` for `NULL`.
    func boolOrFalse(_ column: Int32) -> Bool { sqlite3_column_int64(handle, column) != 0 }

    func bool(_ column: Int32) -> Bool? { isNull(column) ? nil : boolOrFalse(column) }

    /// A real column (an integer converted); 0 for `NULL`.
    func doubleOrZero(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(handle, column) }

    /// The column's bytes (a text's UTF-8), in SQLite's buffer: empty for `NULL`; valid until the next step.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        let start = sqlite3_column_blob(handle, column)
        return UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : Int(sqlite3_column_bytes(handle, column)))
    }

    /// A text column as a string; empty for `NULL`.
    func string(_ column: Int32) -> String { String(decoding: bytes(column), as: UTF8.self) }

    /// A text column as a string; `nil` for `NULL`.
    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    /// A role column (`user`, `assistant`, `tool`); `tool` for anything else, as the other readers do.
    func role(_ column: Int32) -> MessageRole {
        let bytes = bytes(column)
        if bytes.elementsEqual("assistant".utf8) { return .assistant }
        if bytes.elementsEqual("user".utf8) { return .user }
        return .tool
    }
}

