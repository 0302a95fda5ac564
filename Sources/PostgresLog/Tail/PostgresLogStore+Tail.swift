import EventLog
import Logging
import PostgresNIO

extension PostgresLogStore {
    public func waitForDurableEnd(after position: LogPosition) async throws -> LogPosition {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate = state.withLock { state -> Result<LogPosition, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.closed { return .failure(EventLogError.closed) }
                    if state.knownEnd > position.rawValue { return .success(LogPosition(state.knownEnd)) }
                    state.waiters[id] = (position.rawValue, continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Records that everything up to `end` is committed and wakes the waiters it satisfies. Ends only grow: with
    /// appends serialised on the head, a committed end means every frame before it is visible too.
    func publish(end: UInt64) {
        let ready = state.withLock { state -> [CheckedContinuation<LogPosition, any Error>] in
            guard end > state.knownEnd else { return [] }
            state.knownEnd = end
            let ready = state.waiters.filter { $0.value.after < end }
            for id in ready.keys { state.waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
        for waiter in ready { waiter.resume(returning: LogPosition(end)) }
    }

    /// Follows other nodes' appends: LISTEN on a dedicated connection (issued before the first read of the head,
    /// so nothing committed in between is missed), taking the end each notification carries and re-reading the head
    /// every ``Configuration/pollInterval`` — notifications are lost while disconnected. Reconnects
    /// until the store closes.
    func runListener() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.notificationChannel) { notifications in
                        try await self.follow(notifications)
                    }
                }
            } catch {
                if Task.isCancelled { return }
                let first = state.withLock { state in
                    defer { state.listenerDown = true }
                    return !state.listenerDown
                }
                if first {
                    logger.warning(
                        "lost the PostgreSQL listener; polling until it is back",
                        metadata: ["log.error": "\(PostgresFailure.describe(error))"])
                }
                try? await Task.sleep(for: configuration.pollInterval)
                try? await refresh()
            }
        }
    }

    private func follow(_ notifications: PostgresNotificationSequence) async throws {
        let recovered = state.withLock { state in
            defer { state.listenerDown = false }
            return state.listenerDown
        }
        if recovered { logger.notice("PostgreSQL listener is back") }
        try await refresh()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // The payload is the end an append committed (notifications are delivered after the commit): no
                // read of the head per frame.
                for try await notification in notifications {
                    if let end = UInt64(notification.payload) { self.publish(end: end) } else { try await self.refresh() }
                }
                throw EventLogError.unavailable(reason: "the notification stream ended")
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: self.configuration.pollInterval)
                    try await self.refresh()
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func refresh() async throws {
        publish(end: try await fetchEnd())
    }
}
