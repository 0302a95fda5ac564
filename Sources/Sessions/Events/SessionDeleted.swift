/// The session was deleted permanently (Mix `DELETE`): the tombstone.
///
/// Projections drop the session at once and compaction erases its other event bodies; this tombstone stays
/// for the audit trail (who is in the record's metadata, when is its time), so it names the session itself.
/// Wire type `session.deleted`, schema version 1.
public struct SessionDeleted: Sendable, Equatable, Codable {
    /// The deleted session.
    public var sessionID: SessionID
    /// Its namespace, so the audit trail can be scoped without the erased creation event.
    public var namespace: String

    /// Creates the event.
    public init(sessionID: SessionID, namespace: String) {
        self.sessionID = sessionID
        self.namespace = namespace
    }

    enum CodingKeys: String, CodingKey {
        case sessionID = "sessionId", namespace
    }
}
