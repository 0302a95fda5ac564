/// Create a session that starts with another session's live transcript as of a point (native fork API).
///
/// Decided on the new session's (empty) state; the source's state folded up to the fork point travels with
/// the command, because ``Session/decide(_:state:context:)`` sees one session and does no I/O.
public struct ForkSession: Sendable, Equatable {
    /// The new session's id; `nil` lets the writer pick one.
    public var sessionID: SessionID?
    /// The source session folded up to and including its event at ``origin``'s position.
    public var source: SessionState
    /// The source and the point.
    public var origin: ForkOrigin
    /// The new session's title; the source's title when `nil`.
    public var title: String?

    /// Creates the command.
    public init(sessionID: SessionID? = nil, source: SessionState, origin: ForkOrigin, title: String? = nil) {
        self.sessionID = sessionID
        self.source = source
        self.origin = origin
        self.title = title
    }
}
