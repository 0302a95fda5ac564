/// The metadata keys sessiond writes on log records (lowercase and dotted, as log metadata keys).
public enum RecordMetadata {
    /// The id of the API key that asked for the change; the audit history's "actor".
    public static let actorKey = "actor.key"
    /// The request id of the HTTP request that caused the change.
    public static let requestID = "request.id"
}
