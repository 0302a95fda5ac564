/// The session was archived explicitly, by a server-side action: it is read-only from now on.
///
/// (A session past its `expires_at` is archived too, without an event: status is derived at read time.)
/// Wire type `session.archived`, schema version 1.
public struct SessionArchived: Sendable, Equatable, Codable {
    /// Why, for the audit trail.
    public var reason: String?

    /// Creates the event.
    public init(reason: String? = nil) { self.reason = reason }
}
