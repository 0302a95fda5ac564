import Sessions

/// A Mixpeek list sort, `{"field": <dot.path>, "direction": "asc"|"desc"}`; `created_at` descending when
/// absent. Missing values sort first ascending; ties keep the store's creation order (newest first when
/// descending, oldest first ascending), which is exact to the microsecond.
struct SessionSort: Sendable {
    var path: [String] = ["created_at"]
    var descending = true

    init() {}

    /// Parses a sort object.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for an unknown field or direction.
    init(_ object: JSONObject) throws {
        if case .string(let field)? = object["field"] {
            let path = field.split(separator: ".").map(String.init)
            guard let head = path.first, SessionFilter.fields.contains(head) else {
                throw RequestBodyError.invalidParameter(name: "sort", reason: "unknown sort field '\(field)'")
            }
            self.path = path
        } else if object["field"] != nil {
            throw RequestBodyError.invalidParameter(name: "sort", reason: "sort.field must be a string")
        }
        switch object["direction"] {
        case nil, .null: descending = true
        case .string(let text) where text.lowercased() == "desc": descending = true
        case .string(let text) where text.lowercased() == "asc": descending = false
        default: throw RequestBodyError.invalidParameter(name: "sort", reason: "sort.direction must be 'asc' or 'desc'")
        }
    }

    /// Whether `a` sorts before `b`.
    /// - Parameters: `rank` is the position in the store's newest-first order.
    func precedes(_ a: (document: JSONValue, rank: Int), _ b: (document: JSONValue, rank: Int)) -> Bool {
        let x = a.document.value(at: path) ?? .null
        let y = b.document.value(at: path) ?? .null
        let order: Int
        switch (x, y) {
        case (.null, .null): order = 0
        case (.null, _): order = -1
        case (_, .null): order = 1
        default: order = JSONValue.compare(x, y) ?? 0
        }
        if order == 0 { return descending ? a.rank < b.rank : a.rank > b.rank }
        return descending ? order > 0 : order < 0
    }
}
