/// The order of a session list. Ties fall back to the session id, so paging is stable.
public enum SessionOrder: String, Sendable, CaseIterable {
    /// Newest created first (the default).
    case newest
    /// Oldest created first.
    case oldest
    /// Most recent activity first.
    case lastActivity
    /// Most expensive first.
    case cost
    /// Most tokens (prompt + completion) first.
    case tokens
    /// Most live messages first.
    case messages
    /// By title, case-insensitively, untitled last.
    case title

    /// The SQL `ORDER BY` terms over the `session` table.
    var sql: String {
        switch self {
        case .newest: "createdAt DESC, id"
        case .oldest: "createdAt ASC, id"
        case .lastActivity: "lastActivityAt DESC, id"
        case .cost: "cost DESC, id"
        case .tokens: "promptTokens + completionTokens DESC, id"
        case .messages: "messageCount DESC, id"
        case .title: "title IS NULL OR title = '', title COLLATE NOCASE, id"
        }
    }
}
