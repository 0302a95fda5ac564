import EventLog
import Foundation
import Projections
import Synchronization
import Testing
import TestSupport

/// The log's store stops answering (PostgreSQL restarting) while a writer waits for its change to be applied: the
/// writer is told `unavailable` instead of waiting for the outage's length, the loop keeps retrying, and once the
/// store answers again it applies everything exactly once.
@Suite struct ReplayUnavailableTests {
    @Test func waitingWritersAreAnsweredWhileTheStoreIsDownAndTheLoopResumesAfter() async throws {
        try await withTemporaryDirectory { dir in
            let file = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let log = OutageLogStore(file)
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            try await ReplayCrashTests.appendWorkload(to: file)
            let applied = try await log.durableEnd()

            var configuration = ReplayLoop.Configuration()
            configuration.unavailableRetryDelay = .milliseconds(10)
            let loop = ReplayLoop(store: store, log: log, configuration: configuration)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                try await loop.waitUntilApplied(applied)

                // The store goes down right after a change was recorded: its writer must hear about it.
                log.down.withLock { $0 = true }
                let recorded = try await file.append(
                    [ProposedRecord(type: "session.archived", body: Array("{}".utf8))], to: "s-outage", expectedVersion: .any)
                let position = try #require(recorded.positions.last)
                // (A waiter does not honour cancellation, so it waits in a task of its own and the test gives up
                // after 10 s instead of hanging.)
                enum Answer: Sendable, Equatable { case applied, unavailable, other(String) }
                let answer = Mutex<Answer?>(nil)
                Task {
                    do {
                        try await loop.waitUntilApplied(position)
                        answer.withLock { $0 = .applied }
                    } catch EventLogError.unavailable {
                        answer.withLock { $0 = .unavailable }
                    } catch {
                        answer.withLock { $0 = .other("\(error)") }
                    }
                }
                let deadline = ContinuousClock.now + .seconds(10)
                while answer.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                let answered = answer.withLock { $0 }
                #expect(answered == .unavailable)
                #expect(loop.appliedPosition == applied)

                // Back up: the loop applies the change without a restart.
                log.down.withLock { $0 = false }
                try await loop.waitUntilApplied(position)
                #expect(try await store.checkpoint() == position)
                group.cancelAll()
            }
            await file.close()
        }
    }
}
