import EventLog
import Foundation
import Logging
import Projections
import Sessions
import Synchronization
import Testing
import TestSupport

/// The projector dies between frames or inside a transaction; a restart neither skips nor double-applies.
@Suite struct ReplayCrashTests {
    struct SimulatedCrash: Error {}

    /// Appends the scripted session and a second one without waiting for any projection.
    static func appendWorkload(to log: EventLog) async throws {
        let writer = SessionWriter(log: log, replay: nil)
        for n in 0..<3 {
            let id = SessionID(rawValue: "crash-\(n)")!
            _ = try await writer.execute(
                .create(CreateSession(sessionID: id, namespace: "default", title: "t", browserMode: "local-browser-service")))
            for turn in 0..<5 {
                _ = try await writer.execute(.sendUserMessage(SendUserMessage(sessionID: id, text: "q\(turn)")))
                _ = try await writer.execute(
                    .appendMessage(AppendMessage(
                        sessionID: id, role: .assistant, text: "a\(turn)", finishReason: .endTurn, inputTokens: 10,
                        outputTokens: 3, cost: 0.25)))
            }
        }
    }

    static func expectMatchesFold(_ store: ProjectionStore, _ log: EventLog) async throws {
        let folded = try await foldLog(log)
        #expect(!folded.isEmpty)
        for (id, state) in folded {
            #expect(try await store.session(id) == SessionSnapshot(state))
            #expect(try await store.transcript(id, includeRemoved: true) == state.transcript)
        }
        #expect(try await store.checkpoint() == (try await log.durableEnd()))
    }

    @Test func aCrashBeforeCommitRollsTheBatchBackAndRestartAppliesItOnce() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            try await Self.appendWorkload(to: log)
            let end = try await log.durableEnd()

            var crashing = ReplayLoop.Configuration()
            crashing.batchSize = 4
            crashing.beforeCommit = { position in
                if position.rawValue >= 17 { throw SimulatedCrash() }
            }
            let first = ReplayLoop(store: store, log: log, configuration: crashing)
            await #expect(throws: SimulatedCrash.self) { try await first.run() }
            // Batches of 4: 1…4, 5…8, 9…12, 13…16 committed; 17…20 rolled back with its checkpoint.
            #expect(try await store.checkpoint() == LogPosition(16))
            await #expect(throws: ProjectionError.self) { try await first.waitUntilApplied(end) }

            var restarted = ReplayLoop.Configuration()
            restarted.batchSize = 3
            let second = ReplayLoop(store: store, log: log, configuration: restarted)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await second.run() }
                try await second.waitUntilApplied(end)
                group.cancelAll()
            }
            try await Self.expectMatchesFold(store, log)
            let rebuilt = try await Rebuild(log: log, path: dir + "/projection.sqlite").build()
            #expect(try await store.differences(from: rebuilt.file).isEmpty)
            await log.close()
        }
    }

    /// A failure that ends the loop is logged at critical level (the service group running it logs a failing
    /// service only at debug) and the loop says it failed, which `/health` reports.
    @Test func aFailureThatEndsTheLoopIsLoggedAndReported() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            try await Self.appendWorkload(to: log)
            let handler = RecordingLogHandler()
            var crashing = ReplayLoop.Configuration()
            crashing.batchSize = 4
            crashing.logger = Logger(label: "test", factory: { _ in handler })
            crashing.beforeCommit = { position in
                if position.rawValue >= 9 { throw SimulatedCrash() }
            }
            let loop = ReplayLoop(store: store, log: log, configuration: crashing)
            await #expect(throws: SimulatedCrash.self) { try await loop.run() }
            #expect(loop.appliedPosition == LogPosition(8))
            #expect(loop.condition == .failed)
            #expect(handler.messages.contains("replay loop failed; the projections apply nothing more"))
            await log.close()
        }
    }

    /// A waiter whose task is cancelled (its client went away) is answered at once, not when the loop gets there.
    @Test(.timeLimit(.minutes(1))) func aCancelledWaiterIsAnsweredAtOnce() async throws {
        try await ProjectionHarness.with { harness in
            let waiting = Task { try await harness.replay.waitUntilApplied(LogPosition(1_000_000)) }
            try await Task.sleep(for: .milliseconds(50))
            let cancelled = ContinuousClock.now
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            #expect(ContinuousClock.now - cancelled < .seconds(1))
            // The loop goes on serving other waiters.
            _ = try await harness.writer.execute(
                .create(CreateSession(sessionID: "after", namespace: "default", title: "t", browserMode: "local-browser-service")))
        }
    }

    @Test func aKillBetweenFramesResumesFromTheCheckpoint() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let path = dir + "/projection.sqlite"
            _ = try await ProjectionStore.open(path: path, log: log)
            try await Self.appendWorkload(to: log)
            let end = try await log.durableEnd()

            // Run a loop until it committed position 10, then kill it (cancel) before its next transaction: the
            // hook cancels the loop's task as that batch commits, whatever thread the commit runs on.
            let loopTask = Mutex<Task<Void, any Error>?>(nil)
            var small = ReplayLoop.Configuration()
            small.batchSize = 5
            var killing = small
            killing.beforeCommit = { position in
                if position == LogPosition(10) { loopTask.withLock { $0?.cancel() } }
            }
            let store = try await ProjectionStore.open(path: path, log: log)
            let first = ReplayLoop(store: store, log: log, configuration: killing)
            let running = loopTask.withLock { handle in
                let task = Task { try await first.run() }
                handle = task
                return task
            }
            try await running.value  // a cancelled loop returns
            #expect(running.isCancelled)
            #expect(try await store.checkpoint() == LogPosition(10))

            // A new process: reopen the store, restart the loop from the checkpoint.
            let reopened = try await ProjectionStore.open(path: path, log: log)
            let second = ReplayLoop(store: reopened, log: log, configuration: small)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await second.run() }
                try await second.waitUntilApplied(end)
                group.cancelAll()
            }
            try await Self.expectMatchesFold(reopened, log)
            await log.close()
        }
    }
}
