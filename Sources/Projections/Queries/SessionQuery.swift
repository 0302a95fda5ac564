import Sessions

/// Which sessions a list returns, in which order: optionally of one namespace and status, matching a search.
public struct SessionQuery: Sendable, Equatable {
    /// Only sessions of this namespace; all when `nil`.
    public var namespace: String?
    /// Whether sub-agent sessions are listed (Mix `includeSubagents`).
    public var includeSubagents: Bool
    /// Only sessions with this status at the store's clock; all when `nil`.
    public var status: SessionStatus?
    /// Only sessions that are (or are not) processing a turn now; all when `nil`.
    public var isProcessing: Bool?
    /// Only sessions whose title, id or user id contains this text (case-insensitive); all when `nil` or empty.
    public var search: String?
    /// The order; newest first by default.
    public var order: SessionOrder
    /// At most this many; all when `nil`.
    public var limit: Int?
    /// Skip this many first.
    public var offset: Int
    /// Only sessions of this framework app (ADK `app_name`).
    public var appName: String?
    /// Only sessions of this user (Mixpeek `user_id`, ADK `user_id`).
    public var userID: String?

    /// Creates a query.
    public init(
        namespace: String? = nil,
        includeSubagents: Bool = true,
        status: SessionStatus? = nil,
        search: String? = nil,
        order: SessionOrder = .newest,
        limit: Int? = nil,
        offset: Int = 0,
        appName: String? = nil,
        userID: String? = nil,
        isProcessing: Bool? = nil
    ) {
        self.namespace = namespace
        self.includeSubagents = includeSubagents
        self.status = status
        self.search = search
        self.order = order
        self.limit = limit
        self.offset = offset
        self.appName = appName
        self.userID = userID
        self.isProcessing = isProcessing
    }
}
