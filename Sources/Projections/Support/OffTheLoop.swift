/// Runs `body` on Swift's global concurrent executor, whatever executor the calling task prefers, and returns to the
/// caller's afterwards. An HTTP handler's task prefers its connection's event loop (decision 0136), so CPU work that
/// can exceed about a millisecond — encoding a long list or transcript, folding a whole stream, copying an upload —
/// goes through here instead of stalling every other connection of that loop (decision 0142). Cheap steps stay on the
/// loop: the hop costs two thread wake-ups, so `if` runs a body known to be small where it is.
public func offTheLoop<T, Failure: Error>(
    if condition: Bool = true,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws(Failure) -> T
) async throws(Failure) -> T {
    guard condition else { return try await body() }
    return try await withTaskExecutorPreference(globalConcurrentExecutor, isolation: isolation, operation: body)
}

/// Sizes past which work is assumed to take more than about a millisecond of CPU (decision 0142).
public enum OffTheLoopThreshold {
    /// Items (sessions, messages, records) encoded, decoded or folded one by one.
    public static let items = 100
    /// Bytes parsed, copied or rendered.
    public static let bytes = 256 * 1024
}
