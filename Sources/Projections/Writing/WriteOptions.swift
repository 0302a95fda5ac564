/// What a caller adds to a command: concurrency control, idempotency and audit metadata.
public struct WriteOptions: Sendable, Equatable {
    /// The session version the client expects (`If-Match`); a mismatch throws
    /// ``ProjectionError/wrongExpectedVersion(session:expected:actual:)`` and appends nothing.
    public var expectedVersion: UInt64?
    /// The client's idempotency key (`Idempotency-Key`): a retry with the same key returns the first
    /// attempt's events and positions and appends nothing.
    public var idempotencyKey: String?
    /// The API key id of the caller, recorded as `actor.key`.
    public var actor: String?
    /// The request id, recorded as `request.id`.
    public var requestID: String?
    /// The caller's namespace, when it may see only one: another namespace's session is unknown to it
    /// (``Sessions/SessionError/sessionNotFound(_:)``, nothing decided), checked on the writer's state of the
    /// session so a write needs no read of the projections first.
    public var namespace: String?

    /// Creates options; all unset by default.
    public init(
        expectedVersion: UInt64? = nil,
        idempotencyKey: String? = nil,
        actor: String? = nil,
        requestID: String? = nil,
        namespace: String? = nil
    ) {
        self.expectedVersion = expectedVersion
        self.idempotencyKey = idempotencyKey
        self.actor = actor
        self.requestID = requestID
        self.namespace = namespace
    }

    /// The record metadata these options ask for.
    var metadata: [String: String] {
        var metadata: [String: String] = [:]
        if let actor { metadata[RecordMetadata.actorKey] = actor }
        if let requestID { metadata[RecordMetadata.requestID] = requestID }
        return metadata
    }
}
