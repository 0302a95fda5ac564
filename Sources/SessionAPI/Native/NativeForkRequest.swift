import EventLog
import Foundation
import Projections
import Sessions

/// The body of `POST /v1/sessions/{id}/fork`: the point to fork at — at most one of `position` (a global log
/// position), `version` (the source's version), `at` (an RFC 3339 time) or `messageId` (the message and what
/// followed it up to the next message); the latest state when none — and an optional title.
struct NativeForkRequest: Decodable {
    var position: UInt64?
    var version: UInt64?
    var at: String?
    var messageId: String?
    var title: String?

    static let keys: Set<String> = ["position", "version", "at", "messageId", "title"]

    /// The point, as the as-of reads name it.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for an unparsable time or more than one.
    func asOf() throws -> AsOf {
        var found: [AsOf] = []
        if let position { found.append(.position(LogPosition(position))) }
        if let version { found.append(.version(version)) }
        if let at {
            guard let date = try? Date(at, strategy: .iso8601) else {
                throw RequestBodyError.invalidParameter(name: "at", reason: "at must be an RFC 3339 time")
            }
            found.append(.time(date))
        }
        if let messageId {
            guard let id = MessageID(rawValue: messageId) else {
                throw RequestBodyError.invalidParameter(name: "messageId", reason: "messageId must not be empty")
            }
            found.append(.message(id))
        }
        guard found.count <= 1 else {
            throw RequestBodyError.invalidParameter(
                name: "position", reason: "give at most one of position, version, at, messageId")
        }
        return found.first ?? .latest
    }
}
