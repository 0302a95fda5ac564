/// Runs at most `limit` bodies at once; up to `queue` more wait their turn, first come first served, and any beyond
/// those are turned away at once. For work whose memory grows with each one in flight: an upload holds its whole
/// body, up to the upload limit, several times over while it is read, so a burst of them must not take the memory of
/// the machine — nor wait so long that its connection is closed as idle.
actor ConcurrencyLimit {
    /// Thrown by ``run(_:)`` when `limit` bodies run and `queue` wait.
    struct Full: Error {}

    private let limit: Int
    private let queue: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int, queue: Int) {
        precondition(limit > 0, "a concurrency limit lets at least one through")
        self.limit = limit
        self.queue = queue
    }

    /// `body`'s result, once fewer than `limit` others are running.
    /// - Throws: ``Full`` without running `body` when the queue is full too; else what `body` throws.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async throws(Full) {
        if running < limit {
            running += 1
            return
        }
        guard waiting.count < queue else { throw Full() }
        // The slot is handed over by `leave`, still counted in `running`.
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
