import Sessions

/// A page of sessions of one namespace: filtered, sorted and paged in SQL (``ProjectionStore/sessionList(_:)``).
public struct SessionListQuery: Sendable, Equatable {
    /// Where the page starts.
    public enum Start: Sendable, Equatable {
        /// Skip this many matching sessions (bounded by the caller; the database walks past them).
        case offset(Int)
        /// Right after the session a previous page ended with: a keyset seek, as fast for page 500 as page 1.
        case after(SessionListCursor)
    }

    /// The namespace listed.
    public var namespace: String
    /// Only sessions with this status at the store's clock; all when `nil`.
    public var status: SessionStatus?
    /// Only sessions matching this; all when `nil`.
    public var filter: SessionFilter?
    /// The order.
    public var sort: SessionSort
    /// At most this many sessions.
    public var limit: Int
    /// Where the page starts.
    public var start: Start
    /// Whether to count every matching session (a scan of the namespace's matches).
    public var includeTotal: Bool

    /// Creates a query.
    public init(
        namespace: String,
        status: SessionStatus? = nil,
        filter: SessionFilter? = nil,
        sort: SessionSort = SessionSort(),
        limit: Int = 20,
        start: Start = .offset(0),
        includeTotal: Bool = false
    ) {
        self.namespace = namespace
        self.status = status
        self.filter = filter
        self.sort = sort
        self.limit = limit
        self.start = start
        self.includeTotal = includeTotal
    }
}

/// The last session of a page, as the next page's starting point: its sort value, its creation position
/// (the unique tie-break) and how many sessions came before the next page.
public struct SessionListCursor: Sendable, Equatable, Codable {
    /// A sort value as the database orders it: null < numbers < text.
    public enum Key: Sendable, Equatable, Codable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
    }

    /// The last session's sort value.
    public var key: Key
    /// The last session's creation position.
    public var createdPosition: Int64
    /// The number of sessions up to and including the last one.
    public var offset: Int

    /// Creates a cursor.
    public init(key: Key, createdPosition: Int64, offset: Int) {
        self.key = key
        self.createdPosition = createdPosition
        self.offset = offset
    }
}

/// One page of a session list.
public struct SessionListPage: Sendable {
    /// The sessions, in order.
    public var sessions: [SessionSnapshot]
    /// The number of sessions before this page.
    public var offset: Int
    /// Where the next page starts; `nil` on the last page.
    public var next: SessionListCursor?
    /// Every matching session, when the query asked for it.
    public var total: Int?
}
