/// The scope of a session-state key, by its prefix, as the Google ADK defines them.
public enum StateScope: Sendable, Hashable, CaseIterable {
    /// `app:`: shared by every session of the app.
    case app
    /// `user:`: shared by every session of the app and user.
    case user
    /// `temp:`: lives for one invocation and is never stored.
    case temp
    /// No prefix: the session's own.
    case session

    /// The key's prefix (empty for ``session``).
    public var prefix: String {
        switch self {
        case .app: "app:"
        case .user: "user:"
        case .temp: "temp:"
        case .session: ""
        }
    }

    /// The scope of `key`.
    public init(key: String) {
        if key.hasPrefix("app:") {
            self = .app
        } else if key.hasPrefix("user:") {
            self = .user
        } else if key.hasPrefix("temp:") {
            self = .temp
        } else {
            self = .session
        }
    }
}
