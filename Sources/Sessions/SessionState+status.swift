import Foundation

extension SessionState {
    /// The session's status at `now`, derived at read time (mixpeek-api.md, Decisions):
    /// terminated > archived (explicitly, or at or past `expires_at`) > idle (no activity for `idleTimeout`
    /// and no run in progress) > active. A run in progress (Mix "processing") is always active.
    /// A deleted session reports ``SessionStatus/terminated``; callers should check ``isDeleted`` first.
    /// - Parameters:
    ///   - now: The reader's clock.
    ///   - idleTimeout: Seconds without activity after which the session is idle.
    /// - Returns: The status.
    public func status(now: Date, idleTimeout: TimeInterval) -> SessionStatus {
        if isTerminated || isDeleted { return .terminated }
        if isArchived(at: now) { return .archived }
        if isProcessing { return .active }
        if let lastActivityAt, now.timeIntervalSince(lastActivityAt) >= idleTimeout { return .idle }
        return .active
    }

    /// Whether the session is archived at `now`: explicitly, or because `now` is at or past ``expiresAt``.
    public func isArchived(at now: Date) -> Bool {
        if archivedAt != nil { return true }
        guard let expiresAt else { return false }
        return now >= expiresAt
    }
}
