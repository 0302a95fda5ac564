/// The session rows a rebuild hands from one transaction to the next, so each session's row is read from the
/// database at most once per rebuild instead of once per batch.
///
/// Only a rebuild uses it: it is the only writer of its fresh file, and any failure abandons the file, so the
/// rows always equal the committed ones. Its transactions run one at a time, which is why the class needs no
/// lock.
final class SessionRowCarry: @unchecked Sendable {
    /// Beyond this many rows the carry starts empty again (bounding memory; rows are then read once more).
    static let capacity = 100_000

    /// Rows as the file holds them after the last transaction; `nil` marks a session known not to exist.
    var rows: [String: SessionRow?] = [:]

    /// Keeps `rows` for the next transaction, or nothing when there are too many.
    func keep(_ rows: [String: SessionRow?]) {
        self.rows = rows.count > Self.capacity ? [:] : rows
    }
}
