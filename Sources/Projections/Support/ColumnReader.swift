internal import GRDB

/// The columns of one result row, read by index: a statement stepped in place (``SteppedRow``) or a GRDB `Row`
/// fetched whole. Lets one decoder (``SessionRow/init(reading:)``) serve the replay's hot lookup and the list queries.
///
/// `optionalString`, `optionalInt64`, `int`, `double` and `bool` give `nil` for `NULL`; the others, for the columns
/// declared `NOT NULL`, give an empty or zero value.
protocol ColumnReader {
    /// A text column; empty for `NULL`.
    func string(_ column: Int32) -> String
    func optionalString(_ column: Int32) -> String?
    /// An integer column; 0 for `NULL`.
    func int64(_ column: Int32) -> Int64
    func optionalInt64(_ column: Int32) -> Int64?
    /// An integer column; 0 for `NULL`.
    func intOrZero(_ column: Int32) -> Int
    func int(_ column: Int32) -> Int?
    /// A real column (an integer converted); 0 for `NULL`.
    func doubleOrZero(_ column: Int32) -> Double
    func double(_ column: Int32) -> Double?
    /// A boolean stored as an integer: any non-zero value is `true`; `false` for `NULL`.
    func boolOrFalse(_ column: Int32) -> Bool
    func bool(_ column: Int32) -> Bool?
}

extension SteppedRow: ColumnReader {}

extension Row: ColumnReader {
    func string(_ column: Int32) -> String { self[Int(column)] ?? "" }
    func optionalString(_ column: Int32) -> String? { self[Int(column)] }
    func int64(_ column: Int32) -> Int64 { self[Int(column)] ?? 0 }
    func optionalInt64(_ column: Int32) -> Int64? { self[Int(column)] }
    func intOrZero(_ column: Int32) -> Int { self[Int(column)] ?? 0 }
    func int(_ column: Int32) -> Int? { self[Int(column)] }
    func doubleOrZero(_ column: Int32) -> Double { self[Int(column)] ?? 0 }
    func double(_ column: Int32) -> Double? { self[Int(column)] }
    func boolOrFalse(_ column: Int32) -> Bool { self[Int(column)] ?? false }
    func bool(_ column: Int32) -> Bool? { self[Int(column)] }
}
