import Foundation

/// The opaque `nextCursor` of the native session list (`GET /v1/sessions`): base64url of `o:<offset>` into the
/// filtered, sorted result. (The Mixpeek list's cursors are keyset positions: ``ListCursor``.)
enum OffsetCursor {
    static func make(offset: Int) -> String {
        Data("o:\(offset)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The offset a cursor names.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for a cursor this server did not issue.
    static func offset(of cursor: String) throws -> Int {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8),
            decoded.hasPrefix("o:"), let offset = Int(decoded.dropFirst(2)), offset >= 0
        else { throw RequestBodyError.invalidParameter(name: "cursor", reason: "invalid cursor") }
        return offset
    }
}
