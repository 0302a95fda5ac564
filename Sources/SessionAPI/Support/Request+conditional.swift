import Foundation
import HTTPTypes
import Hummingbird

extension Request {
    /// Whether `If-None-Match` names `version` (as the route's `ETag`, `"3"`, weak or not) or is `*`: the client
    /// already holds this state, so the answer is `304 Not Modified`. Entity tags that are not versions never match.
    func noneMatchHolds(version: UInt64) -> Bool {
        guard let header = headers[.ifNoneMatch] else { return false }
        return header.split(separator: ",").contains { tag in
            var tag = tag.trimmingCharacters(in: .whitespaces)[...]
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            guard tag.count >= 2, tag.first == "\"", tag.last == "\"" else { return false }
            return UInt64(tag.dropFirst().dropLast()) == version
        }
    }
}

extension Response {
    /// `304 Not Modified` with the `ETag` of the state the client holds, and no body.
    static func notModified(version: UInt64) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = "\"\(version)\""
        return Response(status: .notModified, headers: headers)
    }
}
