import Foundation
import Sessions

/// A Mixpeek list filter (mixpeek-api.md, Decisions): shorthand equality `{field: value}`, shorthand
/// operators `{field: {op: v}}` (`op` with or without `$`), and the logical form
/// `{"AND"|"OR"|"NOT": [{field, operator, value} | nested], "case_sensitive": false}`, over dot paths of the
/// session document. An unknown field or operator is a 400 naming it, never an empty result.
struct SessionFilter: Sendable {
    enum Operator: String, Sendable, CaseIterable {
        case eq, ne, gt, lt, gte, lte, `in`, nin, contains, starts_with, ends_with, exists, is_null
    }

    indirect enum Node: Sendable {
        case all([Node])
        case any([Node])
        case none([Node])
        case condition(path: [String], op: Operator, value: JSONValue, caseSensitive: Bool)
    }

    /// The top-level session fields a path may start with.
    static let fields: Set<String> = [
        "session_id", "namespace_id", "internal_id", "user_id", "session_name", "agent_config", "user_memory",
        "status", "message_count", "stats", "created_at", "updated_at", "last_activity_at", "expires_at", "metadata",
    ]

    let root: Node

    /// Parses a filter object.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` naming the unknown field or operator.
    init(_ object: JSONObject) throws {
        root = try Self.parse(object, caseSensitive: true)
    }

    private static func parse(_ object: JSONObject, caseSensitive inherited: Bool) throws -> Node {
        var caseSensitive = inherited
        if case .bool(let flag)? = object["case_sensitive"] { caseSensitive = flag }
        let isLogical = object.keys.contains { ["AND", "OR", "NOT"].contains($0.uppercased()) }
        if isLogical, object["case_sensitive"] == nil { caseSensitive = false }
        var nodes: [Node] = []
        for key in object.keys.sorted() where key != "case_sensitive" {
            let value = object[key]!
            switch key.uppercased() {
            case "AND", "OR", "NOT":
                let children = try logicalChildren(value, caseSensitive: caseSensitive)
                nodes.append(key.uppercased() == "AND" ? .all(children) : key.uppercased() == "OR" ? .any(children) : .none(children))
            default:
                nodes.append(contentsOf: try shorthand(field: key, value: value, caseSensitive: caseSensitive))
            }
        }
        return .all(nodes)
    }

    private static func logicalChildren(_ value: JSONValue, caseSensitive: Bool) throws -> [Node] {
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

    private static func shorthand(field: String, value: JSONValue, caseSensitive: Bool) throws -> [Node] {
        if case .object(let object) = value, !object.isEmpty,
            object.keys.allSatisfy({ Operator(rawValue: $0.hasPrefix("$") ? String($0.dropFirst()) : $0) != nil })
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

    private static func condition(field: String, op: String, value: JSONValue, caseSensitive: Bool) throws -> Node {
        let path = field.split(separator: ".").map(String.init)
        guard let head = path.first, fields.contains(head) else {
            throw invalid("filters", "unknown filter field '\(field)'")
        }
        let name = op.hasPrefix("$") ? String(op.dropFirst()) : op
        guard let parsed = Operator(rawValue: name.lowercased()) else {
            throw invalid("filters", "unknown filter operator '\(op)'")
        }
        return .condition(path: path, op: parsed, value: value, caseSensitive: caseSensitive)
    }

    private static func invalid(_ name: String, _ reason: String) -> RequestBodyError {
        .invalidParameter(name: name, reason: reason)
    }

    /// Whether the session document matches.
    func matches(_ document: JSONValue) -> Bool { Self.evaluate(root, document) }

    private static func evaluate(_ node: Node, _ document: JSONValue) -> Bool {
        switch node {
        case .all(let nodes): return nodes.allSatisfy { evaluate($0, document) }
        case .any(let nodes): return nodes.contains { evaluate($0, document) }
        case .none(let nodes): return !nodes.contains { evaluate($0, document) }
        case .condition(let path, let op, let value, let caseSensitive):
            let found = document.value(at: path)
            return test(found, op, value, caseSensitive: caseSensitive)
        }
    }

    private static func test(_ found: JSONValue?, _ op: Operator, _ value: JSONValue, caseSensitive: Bool) -> Bool {
        let isNull = found == nil || found == .null
        func fold(_ v: JSONValue) -> JSONValue {
            if !caseSensitive, case .string(let s) = v { return .string(s.lowercased()) }
            return v
        }
        switch op {
        case .exists:
            let wanted = value == .bool(true) || value == .null
            return !isNull == wanted
        case .is_null:
            let wanted = value != .bool(false)
            return isNull == wanted
        case .eq:
            guard let found else { return value == .null }
            return fold(found) == fold(value)
        case .ne:
            guard let found else { return value != .null }
            return fold(found) != fold(value)
        case .gt, .lt, .gte, .lte:
            guard let found, let order = JSONValue.compare(fold(found), fold(value)) else { return false }
            switch op {
            case .gt: return order > 0
            case .lt: return order < 0
            case .gte: return order >= 0
            default: return order <= 0
            }
        case .in, .nin:
            guard case .array(let options) = value else { return false }
            let hit = found.map { f in options.contains { fold($0) == fold(f) } } ?? false
            return op == .in ? hit : !hit
        case .contains:
            switch (found.map(fold), fold(value)) {
            case (.string(let s)?, .string(let part)): return s.contains(part)
            case (.array(let items)?, let v): return items.map(fold).contains(v)
            default: return false
            }
        case .starts_with, .ends_with:
            guard case .string(let s)? = found.map(fold), case .string(let part) = fold(value) else { return false }
            return op == .starts_with ? s.hasPrefix(part) : s.hasSuffix(part)
        }
    }
}

extension JSONValue {
    /// The value at a dot path, or `nil` when a step is missing.
    func value(at path: [String]) -> JSONValue? {
        var current = self
        for key in path {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current
    }

    /// Orders two numbers or two strings; `nil` for values of different or unordered kinds.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.string(let x), .string(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        default: return nil
        }
    }
}
