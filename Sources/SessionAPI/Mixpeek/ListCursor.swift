import Foundation
import Projections

/// The opaque `next_cursor` of a Mixpeek list: base64url of JSON holding the sort it was made for and the
/// last session's sort value, creation position and offset, so the next page is a keyset seek.
enum ListCursor {
    private struct Payload: Codable {
        var sort: String
        var cursor: SessionListCursor
    }

    static func make(_ cursor: SessionListCursor, sort: String) -> String {
        let data = (try? JSONEncoder().encode(Payload(sort: sort, cursor: cursor))) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The position a cursor names.
    /// - Parameters:
    ///   - text: The cursor as the client sent it.
    ///   - sort: The spelling of the request's sort; a cursor made for another sort is refused.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for a cursor this server did not issue
    ///   or that belongs to another sort.
    static func cursor(_ text: String, sort: String) throws -> SessionListCursor {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let payload = try? JSONDecoder().decode(Payload.self, from: data),
            payload.cursor.offset >= 0
        else { throw RequestBodyError.invalidParameter(name: "cursor", reason: "invalid cursor") }
        guard payload.sort == sort else {
            throw RequestBodyError.invalidParameter(
                name: "cursor", reason: "the cursor belongs to a list sorted by \(payload.sort), not \(sort)")
        }
        return payload.cursor
    }
}
