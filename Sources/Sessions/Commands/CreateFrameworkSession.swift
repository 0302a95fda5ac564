/// Create a session for an agent framework (native `POST /v1/sessions`): an ADK session of an app and user,
/// or an OpenAI Agents SDK session, optionally with an id the framework chose and an initial state.
public struct CreateFrameworkSession: Sendable, Equatable {
    /// The id to use; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var sessionID: SessionID?
    /// The caller's namespace; required.
    public var namespace: String
    /// The title.
    public var title: String?
    /// The ADK app the session belongs to (scope of `app:` state).
    public var appName: String?
    /// The user the session belongs to (with the app, scope of `user:` state).
    public var userID: String?
    /// The initial state delta, scoped like ``UpdateState``'s.
    public var state: JSONObject

    /// Creates the command.
    public init(
        sessionID: SessionID? = nil,
        namespace: String,
        title: String? = nil,
        appName: String? = nil,
        userID: String? = nil,
        state: JSONObject = [:]
    ) {
        self.sessionID = sessionID
        self.namespace = namespace
        self.title = title
        self.appName = appName
        self.userID = userID
        self.state = state
    }
}
