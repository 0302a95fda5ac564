/// The session was terminated (Mixpeek `DELETE`): permanently closed, still readable and listable.
///
/// The time of termination is the record's time in the log. Wire type `session.terminated`, schema version 1.
public struct SessionTerminated: Sendable, Equatable, Codable {
    /// Creates the event.
    public init() {}
}
