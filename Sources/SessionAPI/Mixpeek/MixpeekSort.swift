import Projections
import Sessions

/// Reads a Mixpeek list sort, `{"field": <dot.path>, "direction": "asc"|"desc"}`, into a
/// ``Projections/SessionSort``; `created_at` descending when absent.
enum MixpeekSort {
    /// Parses a sort object.
    /// - Returns: The sort, and its wire spelling `field:direction` that a cursor is bound to.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for an unknown field or direction.
    static func parse(_ object: JSONObject?) throws -> (sort: SessionSort, spelling: String) {
        var name = "created_at"
        var sort = SessionSort()
        if case .string(let field)? = object?["field"] {
            sort.field = try MixpeekFilter.field(field, parameter: "sort")
            name = field
        } else if let field = object?["field"], field != .null {
            throw RequestBodyError.invalidParameter(name: "sort", reason: "sort.field must be a string")
        }
        switch object?["direction"] {
        case nil, .null: sort.descending = true
        case .string(let text) where text.lowercased() == "desc": sort.descending = true
        case .string(let text) where text.lowercased() == "asc": sort.descending = false
        default: throw RequestBodyError.invalidParameter(name: "sort", reason: "sort.direction must be 'asc' or 'desc'")
        }
        return (sort, name + (sort.descending ? ":desc" : ":asc"))
    }
}
