import EventLog
import Foundation
internal import GRDB

/// One row that differs between two projection databases, named by its table and primary key (never by its
/// content, which may hold prompts).
public struct ProjectionDifference: Sendable, Equatable, CustomStringConvertible {
    /// Where the row is.
    public enum Kind: Sendable, Equatable {
        /// Only the live database has the row.
        case onlyInLive
        /// Only the rebuilt database has the row.
        case onlyInRebuilt
        /// Both have the row, with different values in these columns.
        case differs(columns: [String])
    }

    /// The table.
    public var table: String
    /// The row's primary key, `column=value` pairs.
    public var key: String
    /// How it differs.
    public var kind: Kind

    /// One line for the operator.
    public var description: String {
        switch kind {
        case .onlyInLive: "\(table) [\(key)]: only in the live projection"
        case .onlyInRebuilt: "\(table) [\(key)]: missing from the live projection"
        case .differs(let columns): "\(table) [\(key)]: differs in \(columns.joined(separator: ", "))"
        }
    }
}

extension ProjectionStore {
    /// Compares this (live) database with another projection database file row by row, table by table.
    ///
    /// `sessiond verify` rebuilds the log into a temporary file up to the live checkpoint and calls this; any
    /// difference means the live projection holds something the log does not say, or misses something it
    /// does.
    /// - Parameter rebuiltFile: The other database file (e.g. ``RebuildReport/file``).
    /// - Returns: Every differing row, in table order.
    public func differences(from rebuiltFile: String) async throws -> [ProjectionDifference] {
        let live = currentFile
        let queue = try SQLiteConnections.queue(rebuiltFile)
        defer { try? queue.close() }
        return try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS live", arguments: [live])
            defer { try? db.execute(sql: "DETACH DATABASE live") }
            var differences: [ProjectionDifference] = []
            // The tables keyed by `stream` are compared through the ids the keys stand for, `stream` itself not
            // at all (decision 0166): a row's session matters, not the number standing for it.
            for table in ProjectionSchema.tables where table != StreamRow.databaseTableName {
                let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))")
                let names: [String] = columns.map { $0["name"] }
                var keys = columns.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                    .map { $0["name"] as String }
                if keys.isEmpty { keys = names }
                func select(from schema: String) -> String {
                    let list = names.map { name in
                        name == "sessionKey"
                            ? "(SELECT id FROM \(schema).stream WHERE key = t.sessionKey) AS sessionKey" : "t.\"\(name)\""
                    }
                    return "SELECT \(list.joined(separator: ", ")) FROM \(schema).\(table) AS t"
                }
                func rows(_ a: String, _ b: String) throws -> [String: Row] {
                    let found = try Row.fetchAll(db, sql: "\(select(from: a)) EXCEPT \(select(from: b))")
                    var byKey: [String: Row] = [:]
                    for row in found {
                        byKey[keys.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: ", ")] = row
                    }
                    return byKey
                }
                let onlyLive = try rows("live", "main")
                let onlyRebuilt = try rows("main", "live")
                for key in Set(onlyLive.keys).union(onlyRebuilt.keys).sorted() {
                    switch (onlyLive[key], onlyRebuilt[key]) {
                    case (let l?, let r?):
                        let differing = names.filter { (l[$0] as DatabaseValue) != (r[$0] as DatabaseValue) }
                        differences.append(.init(table: table, key: key, kind: .differs(columns: differing)))
                    case (_?, nil):
                        differences.append(.init(table: table, key: key, kind: .onlyInLive))
                    default:
                        differences.append(.init(table: table, key: key, kind: .onlyInRebuilt))
                    }
                }
            }
            return differences
        }
    }
}
