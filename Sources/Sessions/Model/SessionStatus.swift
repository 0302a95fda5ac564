/// A session's lifecycle status as the Mixpeek API reports it; derived at read time, see
/// ``SessionState/status(now:idleTimeout:)``.
public enum SessionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Recently active or processing.
    case active
    /// No activity for longer than the idle timeout.
    case idle
    /// Read-only: archived explicitly or past its `expires_at`.
    case archived
    /// Permanently closed (Mixpeek `DELETE`).
    case terminated
}
