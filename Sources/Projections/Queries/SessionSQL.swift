import Foundation
internal import GRDB
import Sessions

/// Session fields, filters, sorts and keyset seeks as SQL over the `session` table, at one clock reading.
///
/// Field expressions are constant text (defaults and JSON paths are quoted literals); only compared values
/// are bound, so fragments compose in any order.
struct SessionSQL {
    /// The store's clock, in microseconds.
    let now: Int64
    /// The idle timeout, in microseconds.
    let idle: Int64

    /// The expiry reported for a session that never expires: 9999-12-31T23:59:59Z.
    static let neverExpires: Int64 = 253_402_300_799_000_000

    /// The status rule of ``SessionSnapshot/status(now:idleTimeout:)`` as an expression.
    var status: String {
        """
        (CASE WHEN terminatedAt IS NOT NULL THEN 'terminated' \
        WHEN archivedAt IS NOT NULL OR expiresAt <= \(now) THEN 'archived' \
        WHEN isProcessing THEN 'active' \
        WHEN \(now) - lastActivityAt >= \(idle) THEN 'idle' ELSE 'active' END)
        """
    }

    /// A JSON column and a path inside it, for fields stored as JSON.
    private struct JSONPath {
        var column: String
        var path: String
    }

    private func jsonPath(_ field: SessionField) -> JSONPath? {
        func path(_ keys: [String]) -> String { Self.quoted("$" + keys.map { ".\"\($0)\"" }.joined()) }
        switch field {
        case .availableTools: return JSONPath(column: "agentConfig", path: path(["availableTools"]))
        case .userMemory(let keys): return JSONPath(column: "userMemory", path: path(keys))
        case .metadata(let keys): return JSONPath(column: "metadata", path: path(keys))
        default: return nil
        }
    }

    /// The field's value for one row.
    func expression(_ field: SessionField) -> String {
        if let json = jsonPath(field) { return "json_extract(\(json.column), \(json.path))" }
        switch field {
        case .id: return "id"
        case .namespace: return "namespace"
        case .userID: return "userId"
        case .title: return "NULLIF(title, '')"
        case .status: return status
        case .messageCount: return "messageCount"
        case .totalMessages: return "totalMessages"
        case .totalTokens: return "(promptTokens + completionTokens)"
        case .totalToolCalls: return "totalToolCalls"
        case .averageLatencyMs: return "(CASE WHEN latencySamples = 0 THEN 0.0 ELSE latencySumMs / latencySamples END)"
        case .createdAt: return "createdAt"
        case .updatedAt: return "updatedAt"
        case .lastActivityAt: return "lastActivityAt"
        case .expiresAt: return "coalesce(expiresAt, \(Self.neverExpires))"
        case .model: return "coalesce(json_extract(agentConfig, '$.model'), \(Self.quoted(AgentConfig.defaultModel)))"
        case .temperature: return "coalesce(json_extract(agentConfig, '$.temperature'), \(AgentConfig.defaultTemperature))"
        case .maxTokens: return "coalesce(json_extract(agentConfig, '$.maxTokens'), \(AgentConfig.defaultMaxTokens))"
        case .systemPrompt: return "coalesce(customSystemPrompt, \(Self.quoted(AgentConfig.defaultSystemPrompt)))"
        case .availableTools, .userMemory, .metadata: fatalError("handled as JSON above")
        }
    }

    /// A text literal.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    // MARK: - Filters

    /// The filter as a boolean expression.
    func predicate(_ filter: SessionFilter) -> SQL {
        switch filter {
        case .all(let children):
            return group(children, joinedBy: " AND ", empty: "1")
        case .any(let children):
            return group(children, joinedBy: " OR ", empty: "0")
        case .none(let children):
            let any = group(children, joinedBy: " OR ", empty: "0")
            return "NOT \(any)"
        case .condition(let field, let op, let value, let caseSensitive):
            return condition(field, op, value, caseSensitive: caseSensitive)
        }
    }

    private func group(_ children: [SessionFilter], joinedBy separator: String, empty: String) -> SQL {
        guard !children.isEmpty else { return SQL(sql: empty) }
        let joined = children.map { predicate($0) }.joined(separator: separator)
        return "(\(joined))"
    }

    private func condition(_ field: SessionField, _ op: SessionFilter.Operator, _ value: SessionFilter.Value, caseSensitive: Bool)
        -> SQL
    {
        // Times are answered in whole seconds: a whole-second value compares with the stored microseconds cut to
        // their second, so a session's own `created_at`, sent back, finds it (and `lte` it keeps it).
        let raw = value.isWholeSeconds ? "(\(expression(field)) / 1000000 * 1000000)" : expression(field)
        let folds = !caseSensitive && value.hasText
        let e = SQL(sql: folds ? "swiftLowercaseString(\(raw))" : raw)
        let v = folds ? value.lowercased : value
        switch op {
        case .exists:
            return value == .bool(false) ? "\(e) IS NULL" : "\(e) IS NOT NULL"
        case .isNull:
            return value == .bool(false) ? "\(e) IS NOT NULL" : "\(e) IS NULL"
        case .eq:
            if value == .null { return "\(e) IS NULL" }
            return "(\(boolGuard(field, value)) AND \(e) = \(v.databaseValue))"
        case .ne:
            if value == .null { return "\(e) IS NOT NULL" }
            return "NOT coalesce(\(boolGuard(field, value)) AND \(e) = \(v.databaseValue), 0)"
        case .gt, .lt, .gte, .lte:
            let symbol = [SessionFilter.Operator.gt: ">", .lt: "<", .gte: ">=", .lte: "<="][op]!
            guard let guardSQL = kindGuard(e, v) else { return "0" }
            return "(\(guardSQL) AND \(e) \(sql: symbol) \(v.databaseValue))"
        case .in, .nin:
            guard case .list(let options) = v else { return op == .in ? "0" : "1" }
            let present = options.filter { $0 != .null }.map { (option) -> SQL in "\(option.databaseValue)" }
            var hit: SQL = present.isEmpty ? "0" : "coalesce(\(e) IN (\(present.joined(separator: ", "))), 0)"
            if options.contains(.null) { hit = "(\(hit) OR \(e) IS NULL)" }
            return op == .in ? hit : "NOT \(hit)"
        case .contains:
            let textMatch: SQL = "(typeof(\(e)) = 'text' AND instr(\(e), \(v.databaseValue)) > 0)"
            guard let json = jsonPath(field) else { return textMatch }
            let item = folds ? "swiftLowercaseString(value)" : "value"
            return """
                (CASE json_type(\(sql: json.column), \(sql: json.path)) \
                WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(\(sql: json.column), \(sql: json.path)) \
                WHERE \(sql: item) = \(v.databaseValue)) \
                ELSE \(textMatch) END)
                """
        case .startsWith, .endsWith:
            guard case .text(let part) = v else { return "0" }
            let start: SQL = op == .startsWith ? "1" : "length(\(e)) - length(\(part)) + 1"
            return "(typeof(\(e)) = 'text' AND substr(\(e), \(start), length(\(part))) = \(part))"
        }
    }

    /// For a boolean value on a JSON field, that the JSON value is a boolean (SQLite extracts it as 1 or 0).
    private func boolGuard(_ field: SessionField, _ value: SessionFilter.Value) -> SQL {
        guard case .bool = value, let json = jsonPath(field) else { return "1" }
        return "json_type(\(sql: json.column), \(sql: json.path)) IN ('true', 'false')"
    }

    /// That the row's value is of the kind `value` orders against (numbers with numbers, text with text).
    private func kindGuard(_ e: SQL, _ value: SessionFilter.Value) -> SQL? {
        let kinds: String
        switch value {
        case .number, .bool, .time: kinds = "'integer', 'real'"
        case .text: kinds = "'text'"
        case .null, .list: return nil
        }
        let guardSQL: SQL = "typeof(\(e)) IN (\(sql: kinds))"
        return guardSQL
    }

    // MARK: - Order and keyset

    /// The sort's value per row; `nil` for creation time, which orders exactly as the creation position.
    func sortKey(_ sort: SessionSort) -> String? {
        sort.field == .createdAt ? nil : expression(sort.field)
    }

    /// The ORDER BY terms.
    func ordering(_ sort: SessionSort) -> String {
        let direction = sort.descending ? "DESC" : "ASC"
        guard let key = sortKey(sort) else { return "createdPosition \(direction)" }
        return "\(key) \(direction), createdPosition \(direction)"
    }

    /// Rows strictly after the cursor's row in the sort's order (nulls first ascending, last descending).
    func seek(after cursor: SessionListCursor, _ sort: SessionSort) -> SQL {
        let p = cursor.createdPosition
        let later = sort.descending ? "<" : ">"
        guard let key = sortKey(sort) else { return "createdPosition \(sql: later) \(p)" }
        let k = SQL(sql: key)
        guard let value = cursor.key.databaseValue else {
            return sort.descending
                ? "(\(k) IS NULL AND createdPosition < \(p))"
                : "((\(k) IS NULL AND createdPosition > \(p)) OR \(k) IS NOT NULL)"
        }
        let tail: SQL = sort.descending ? " OR \(k) IS NULL" : ""
        return "(\(k) \(sql: later) \(value) OR (\(k) = \(value) AND createdPosition \(sql: later) \(p))\(tail))"
    }
}

extension SessionFilter.Value {
    /// A time, or a list of times, without a fraction of a second.
    var isWholeSeconds: Bool {
        switch self {
        case .time(let date): Timestamp.micros(date) % 1_000_000 == 0
        case .list(let items): !items.isEmpty && items.allSatisfy(\.isWholeSeconds)
        default: false
        }
    }

    var hasText: Bool {
        switch self {
        case .text: true
        case .list(let items): items.contains { $0.hasText }
        default: false
        }
    }

    var lowercased: Self {
        switch self {
        case .text(let text): .text(text.lowercased())
        case .list(let items): .list(items.map(\.lowercased))
        default: self
        }
    }

    /// The value as bound: booleans as 1 and 0, times as microseconds.
    var databaseValue: DatabaseValue {
        switch self {
        case .null, .list: .null
        case .bool(let flag): (flag ? 1 : 0).databaseValue
        case .number(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .time(let date): Timestamp.micros(date).databaseValue
        }
    }
}

extension SessionListCursor.Key {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .null, .blob: self = .null
        }
    }

    /// `nil` for null.
    var databaseValue: DatabaseValue? {
        switch self {
        case .null: nil
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        }
    }
}
