import Synchronization
import Testing

@testable import SessionAPI

/// At most `limit` bodies run at once, the others in their turn (what bounds the memory a burst of uploads takes).
struct ConcurrencyLimitTests {
    final class Counts: Sendable {
        let state = Mutex((running: 0, most: 0, done: 0))
    }

    @Test func atMostTheLimitRunAtOnceAndEveryBodyRuns() async throws {
        let limit = ConcurrencyLimit(2, queue: 10)
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await limit.run {
                        counts.state.withLock { $0.running += 1; $0.most = max($0.most, $0.running) }
                        try await Task.sleep(for: .milliseconds(5))
                        counts.state.withLock { $0.running -= 1; $0.done += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = counts.state.withLock { $0 }
        #expect(final.most == 2)
        #expect(final.done == 12 && final.running == 0)
    }

    @Test func pastTheQueueABodyIsTurnedAwayAtOnce() async throws {
        let limit = ConcurrencyLimit(1, queue: 1)
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let first = Task { try await limit.run { for await _ in gate { break } } }
        try await Task.sleep(for: .milliseconds(20))
        let second = Task { try await limit.run { 2 } }
        try await Task.sleep(for: .milliseconds(20))
        await #expect(throws: ConcurrencyLimit.Full.self) { try await limit.run { 3 } }
        open.yield()
        try await first.value
        #expect(try await second.value == 2)
        #expect(try await limit.run { 4 } == 4)
    }

    @Test func aFailingBodyGivesItsTurnBack() async throws {
        struct Refused: Error {}
        let limit = ConcurrencyLimit(1, queue: 0)
        await #expect(throws: Refused.self) { try await limit.run { throw Refused() } }
        #expect(try await limit.run { 7 } == 7)
    }
}
