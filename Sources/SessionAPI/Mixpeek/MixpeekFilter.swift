import Foundation
import Projections
import Sessions

/// Reads a Mixpeek list filter (mixpeek-api.md, Decisions) into a ``Projections/SessionFilter``: shorthand
/// equality `{field: value}`, shorthand operators `{field: {op: v}}` (`op` with or without `$`), and the
/// logical form `{"AND"|"OR"|"NOT": [{field, operator, value} | nested], "case_sensitive": false}`, over the
/// dot paths of the session document. An unknown field or operator is a 400 naming it, never an empty result.
enum MixpeekFilter {
    /// The Mixpeek spelling of each operator.
    private static let operators: [String: SessionFilter.Operator] = [
        "eq": .eq, "ne": .ne, "gt": .gt, "lt": .lt, "gte": .gte, "lte": .lte, "in": .in, "nin": .nin,
        "contains": .contains, "starts_with": .startsWith, "ends_with": .endsWith, "exists": .exists,
        "is_null": .isNull,
    ]

    /// The document paths a filter or sort may name, and the session field each one is.
    private static let fields: [String: SessionField] = [
        "session_id": .id, "namespace_id": .namespace, "user_id": .userID, "session_name": .title,
        "status": .status, "message_count": .messageCount, "stats.total_messages": .totalMessages,
        "stats.total_tokens": .totalTokens, "stats.total_tool_calls": .totalToolCalls,
        "stats.avg_latency_ms": .averageLatencyMs, "created_at": .createdAt, "updated_at": .updatedAt,
        "last_activity_at": .lastActivityAt, "expires_at": .expiresAt, "agent_config.model": .model,
        "agent_config.temperature": .temperature, "agent_config.max_tokens": .maxTokens,
        "agent_config.system_prompt": .systemPrompt, "agent_config.available_tools": .availableTools,
    ]

    /// Parses a filter object.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` naming the unknown field or operator, or
    ///   the value a field cannot be compared with.
    static func parse(_ object: JSONObject) throws -> SessionFilter {
        try parse(object, caseSensitive: true)
    }

    /// The session field a dot path names (`user_memory.*` and `metadata.*` reach inside those objects).
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for a path the session document lacks.
    static func field(_ path: String, parameter: String) throws -> SessionField {
        if let field = fields[path] { return field }
        let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if keys.contains(where: { $0.isEmpty || $0.contains("\"") }) {
            throw invalid(parameter, "unknown \(parameter == "sort" ? "sort" : "filter") field '\(path)'")
        }
        switch keys[0] {
        case "user_memory": return .userMemory(path: Array(keys.dropFirst()))
        case "metadata": return .metadata(path: Array(keys.dropFirst()))
        case "agent_config", "stats":
            let inner = fields.keys.filter { $0.hasPrefix(keys[0] + ".") }.map { $0.dropFirst(keys[0].count + 1) }
            throw invalid(
                parameter,
                "unknown \(parameter == "sort" ? "sort" : "filter") field '\(path)'; name one inside "
                    + "\(keys[0]): \(inner.sorted().joined(separator: ", "))")
        default:
            throw invalid(parameter, "unknown \(parameter == "sort" ? "sort" : "filter") field '\(path)'")
        }
    }

    private static func parse(_ object: JSONObject, caseSensitive inherited: Bool) throws -> SessionFilter {
        var caseSensitive = inherited
        if case .bool(let flag)? = object["case_sensitive"] { caseSensitive = flag }
        let isLogical = object.keys.contains { ["AND", "OR", "NOT"].contains($0.uppercased()) }
        if isLogical, object["case_sensitive"] == nil { caseSensitive = false }
        var nodes: [SessionFilter] = []
        for key in object.keys.sorted() where key != "case_sensitive" {
            let value = object[key]!
            switch key.uppercased() {
            case "AND": nodes.append(.all(try logicalChildren(value, caseSensitive: caseSensitive)))
            case "OR": nodes.append(.any(try logicalChildren(value, caseSensitive: caseSensitive)))
            case "NOT": nodes.append(.none(try logicalChildren(value, caseSensitive: caseSensitive)))
            default: nodes.append(contentsOf: try shorthand(field: key, value: value, caseSensitive: caseSensitive))
            }
        }
        return .all(nodes)
    }

    private static func logicalChildren(_ value: JSONValue, caseSensitive: Bool) throws -> [SessionFilter] {
        let items: [JSONValue]
        switch value {
        case .array(let array): items = array
        case .object: items = [value]
        default: throw invalid("filters", "a logical operator takes a list of conditions")
        }
        return try items.map { item in
            guard case .object(let object) = item else { throw invalid("filters", "a condition must be an object") }
            if case .string(let field)? = object["field"] {
                let opName: String
                if case .string(let name)? = object["operator"] { opName = name } else { opName = "eq" }
                var itemCaseSensitive = caseSensitive
                if case .bool(let flag)? = object["case_sensitive"] { itemCaseSensitive = flag }
                return try condition(field: field, op: opName, value: object["value"] ?? .null, caseSensitive: itemCaseSensitive)
            }
            return try parse(object, caseSensitive: caseSensitive)
        }
    }

    private static func operatorName(_ key: String) -> String {
        (key.hasPrefix("$") ? String(key.dropFirst()) : key).lowercased()
    }

    private static func shorthand(field: String, value: JSONValue, caseSensitive: Bool) throws -> [SessionFilter] {
        if case .object(let object) = value, !object.isEmpty,
            object.keys.allSatisfy({ operators[operatorName($0)] != nil })
        {
            return try object.keys.sorted().map { op in
                try condition(field: field, op: op, value: object[op]!, caseSensitive: caseSensitive)
            }
        }
        if case .object(let object) = value, let first = object.keys.sorted().first, first.hasPrefix("$") {
            throw invalid("filters", "unknown filter operator '\(first)'")
        }
        return [try condition(field: field, op: "eq", value: value, caseSensitive: caseSensitive)]
    }

    private static func condition(field name: String, op: String, value: JSONValue, caseSensitive: Bool) throws
        -> SessionFilter
    {
        let sessionField = try field(name, parameter: "filters")
        guard let parsed = operators[operatorName(op)] else {
            throw invalid("filters", "unknown filter operator '\(op)'")
        }
        if parsed == .in || parsed == .nin {
            guard case .array = value else { throw invalid("filters", "'\(op)' on '\(name)' takes a list of values") }
        }
        // `exists` and `is_null` take a flag whatever the field compares (a time field's too).
        let typed: SessionFilter.Value =
            if (parsed == .exists || parsed == .isNull), case .bool(let flag) = value {
                .bool(flag)
            } else {
                try Self.value(value, of: sessionField, name: name)
            }
        return .condition(sessionField, parsed, typed, caseSensitive: caseSensitive)
    }

    /// A filter value as the field compares it: times from ISO 8601 text, lists item by item.
    private static func value(_ json: JSONValue, of field: SessionField, name: String) throws -> SessionFilter.Value {
        switch json {
        case .null: return .null
        case .array(let items): return .list(try items.map { try value($0, of: field, name: name) })
        case .string(let text) where field.isTime:
            guard let date = AsOf.rfc3339(text) else {
                throw invalid("filters", "'\(name)' compares with ISO 8601 times, e.g. 2026-11-23T17:00:00Z")
            }
            return .time(date)
        case .bool(let flag) where !field.isTime: return .bool(flag)
        case .number(let number) where !field.isTime: return .number(number)
        case .string(let text): return .text(text)
        case .bool, .number:
            throw invalid("filters", "'\(name)' compares with ISO 8601 times, e.g. 2026-11-23T17:00:00Z")
        case .object:
            throw invalid("filters", "a filter value on '\(name)' must be a string, number, boolean, null or list")
        }
    }

    private static func invalid(_ name: String, _ reason: String) -> RequestBodyError {
        .invalidParameter(name: name, reason: reason)
    }
}
