/// Runs at most `limit` bodies at once; the others wait their turn, first come first served. For work whose memory
/// grows with each one in flight: an upload holds its whole body, up to the upload limit, several times over while
/// it is read, so a burst of them must not take the memory of the machine.
actor ConcurrencyLimit {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) {
        precondition(limit > 0, "a concurrency limit lets at least one through")
        self.limit = limit
    }

    /// `body`'s result, once fewer than `limit` others are running.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        if running < limit {
            running += 1
            return
        }
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
