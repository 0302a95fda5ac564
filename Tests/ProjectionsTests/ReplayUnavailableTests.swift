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

/// A file log whose reads fail as a store on another server does while `down` is set, and whose appends are
/// answered without the stored records (as the `LogStore` contract allows) while `withholdsRecords` is set; it
/// counts the stream reads it is asked for (a writer's refolds).
final class OutageLogStore: LogStore {
    let base: EventLog
    let down = Mutex(false)
    let withholdsRecords = Mutex(false)
    let streamReads = Mutex(0)

    init(_ base: EventLog) { self.base = base }

    private func check() throws {
        if down.withLock({ $0 }) { throw EventLogError.unavailable(reason: "the test took the store down") }
    }

    func append(_ records: [ProposedRecord], to stream: String, expectedVersion: ExpectedVersion) async throws
        -> AppendResult
    {
        try check()
        var appended = try await base.append(records, to: stream, expectedVersion: expectedVersion)
        if withholdsRecords.withLock({ $0 }) { appended.records = [] }
        return appended
    }

    func read(from position: LogPosition, limit: Int) async throws -> [LogRecord] {
        try check()
        return try await base.read(from: position, limit: limit)
    }

    func readStream(_ stream: String, fromVersion version: UInt64) async throws -> [LogRecord] {
        streamReads.withLock { $0 += 1 }
        try check()
        return try await base.readStream(stream, fromVersion: version)
    }

    func streamVersion(_ stream: String) async throws -> UInt64 {
        try check()
        return try await base.streamVersion(stream)
    }

    func durableEnd() async throws -> LogPosition {
        try check()
        return try await base.durableEnd()
    }

    func waitForDurableEnd(after position: LogPosition) async throws -> LogPosition {
        try await base.waitForDurableEnd(after: position)
    }

    func compact(purging: Set<String>, rewriting rewrite: @escaping @Sendable (LogRecord) -> LogRecord?) async throws
        -> CompactionReport
    {
        try await base.compact(purging: purging, rewriting: rewrite)
    }

    func appendMoved(_ records: [LogRecord]) async throws { try await base.appendMoved(records) }
    func storedDictionaries() async throws -> [StoredDictionary] { try await base.storedDictionaries() }
    func importDictionaries(_ dictionaries: [StoredDictionary]) async throws { try await base.importDictionaries(dictionaries) }
    func close() async { await base.close() }
    var statistics: LogStatistics { base.statistics }
    var summary: String { base.summary }
}
