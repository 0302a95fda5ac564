extension EventLogError {
    /// Runs `attempt` again every `delay` for as long as it fails with ``unavailable(reason:)`` — a store on another
    /// server that is restarting — calling `onUnavailable` with the reason each time; any other error ends it. What
    /// follows a log (the replay loop, streams) waits out an outage this way rather than ending.
    public static func retryingWhileUnavailable<T>(
        every delay: Duration, onUnavailable: (String) -> Void = { _ in }, _ attempt: () async throws -> T
    ) async throws -> T {
        while true {
            do {
                return try await attempt()
            } catch EventLogError.unavailable(let reason) {
                onUnavailable(reason)
                try await Task.sleep(for: delay)
            }
        }
    }
}
