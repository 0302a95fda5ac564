import EventLog
import Foundation
import GRDB
import Projections
import Synchronization
import Testing
import TestSupport

/// SQLite reports a full disk while the replay loop applies a batch: the batch rolls back, the loop keeps
/// retrying instead of stopping, waiting writers are told at once, and once space returns it applies
/// everything exactly once.
@Suite struct ReplayDiskFullTests {
    @Test func aFullDiskPausesTheReplayLoopUntilSpaceReturns() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            try await ReplayCrashTests.appendWorkload(to: log)
            let end = try await log.durableEnd()

            let diskFull = Mutex(true)
            let attempts = Mutex(0)
            var configuration = ReplayLoop.Configuration()
            configuration.batchSize = 4
            configuration.diskFullRetryDelay = .milliseconds(10)
            configuration.beforeCommit = { position in
                guard position.rawValue > 8, diskFull.withLock({ $0 }) else { return }
                attempts.withLock { $0 += 1 }
                throw DatabaseError(resultCode: .SQLITE_FULL)
            }
            let loop = ReplayLoop(store: store, log: log, configuration: configuration)
            #expect(loop.condition == .running)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                while attempts.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(5)) }
                // Still retrying the batch after 8, nothing of it committed, and not stopped.
                #expect(try await store.checkpoint() == LogPosition(8))
                #expect(loop.appliedPosition == LogPosition(8))
                // `/health` reads this to say "degraded".
                #expect(loop.condition == .diskFull)
                // A writer waiting meanwhile is told at once rather than left hanging.
                await #expect(throws: ProjectionError.self) { try await loop.waitUntilApplied(end) }
                diskFull.withLock { $0 = false }
                // The flag clears with the next applied batch, within one retry delay.
                while loop.appliedPosition != end { try await Task.sleep(for: .milliseconds(5)) }
                try await loop.waitUntilApplied(end)
                #expect(loop.condition == .running)
                group.cancelAll()
            }
            #expect(loop.condition == .stopped)
            try await ReplayCrashTests.expectMatchesFold(store, log)
            await log.close()
        }
    }
}
