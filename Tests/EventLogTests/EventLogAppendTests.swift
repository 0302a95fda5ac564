import Foundation
import Synchronization
import Testing
import TestSupport

@testable import EventLog

@Suite struct EventLogAppendTests {
    @Test func appendAssignsDensePositionsAndVersions() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let first = try await log.append([LogFixtures.record("a"), LogFixtures.record("b")], to: "s1", expectedVersion: .noStream)
            let second = try await log.append([LogFixtures.record("c")], to: "s2")
            let third = try await log.append([LogFixtures.record("d")], to: "s1", expectedVersion: .exact(2))
            #expect(first.positions == [LogPosition(1), LogPosition(2)])
            #expect(first.streamVersion == 2)
            #expect(second.positions == [LogPosition(3)])
            #expect(second.streamVersion == 1)
            #expect(third.positions == [LogPosition(4)])
            #expect(third.streamVersion == 3)
            let records = try await log.read(from: LogPosition(1), limit: 10)
            #expect(records.map(LogFixtures.text) == ["a", "b", "c", "d"])
            #expect(records.map(\.streamVersion) == [1, 2, 1, 3])
            #expect(records[0].metadata == ["request.id": "r-1"])
            #expect(try await log.durableEnd() == LogPosition(4))
            await log.close()
        }
    }

    @Test func recordsRoundTripAcrossSegmentRollsAndReopen() async throws {
        try await withTemporaryDirectory { dir in
            var written: [String] = []
            do {
                let log = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 4096))
                for i in 0..<600 {
                    let text = "record \(i) " + String(repeating: "x", count: i % 97)
                    written.append(text)
                    _ = try await log.append([LogFixtures.record(text)], to: "stream-\(i % 7)")
                }
                await log.close()
            }
            #expect(LogFixtures.segmentFiles(in: dir).count > 3)
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 4096))
            #expect(log.recoveryReport.truncatedBytes == 0)
            #expect(log.recoveryReport.records == 600)
            var read: [LogRecord] = []
            var next = LogPosition(1)
            while true {
                let batch = try await log.read(from: next, limit: 77)
                guard let last = batch.last else { break }
                read += batch
                next = last.position.next
            }
            #expect(read.map(LogFixtures.text) == written)
            #expect(read.map(\.position.rawValue) == Array(1...600))
            // Appending continues in the newest segment after reopening.
            let more = try await log.append([LogFixtures.record("after")], to: "stream-0")
            #expect(more.positions == [LogPosition(601)])
            let stream = try await log.readStream("stream-3", fromVersion: 1)
            #expect(stream.map(LogFixtures.text) == written.enumerated().filter { $0.offset % 7 == 3 }.map(\.element))
            #expect(stream.map(\.streamVersion) == Array(1...UInt64(stream.count)))
            await log.close()
        }
    }

    @Test func concurrentAppendersGetDistinctGapFreePositions() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = LogFixtures.configuration()
            configuration.durability = .fsync
            let log = try EventLog(directory: dir, configuration: configuration)
            let appenders = 64
            let perAppender = 40
            let results = try await withThrowingTaskGroup(of: [(String, LogPosition)].self) { group in
                for a in 0..<appenders {
                    group.addTask {
                        var mine: [(String, LogPosition)] = []
                        for n in 0..<perAppender {
                            let text = "appender \(a) record \(n)"
                            let result = try await log.append([LogFixtures.record(text)], to: "s-\(a)", expectedVersion: .exact(UInt64(n)))
                            mine.append((text, result.positions[0]))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let positions = results.map(\.1.rawValue).sorted()
            #expect(positions == Array(1...UInt64(appenders * perAppender)))
            let records = try await log.read(from: LogPosition(1), limit: appenders * perAppender + 10)
            #expect(records.count == appenders * perAppender)
            let byPosition = Dictionary(uniqueKeysWithValues: records.map { ($0.position, LogFixtures.text(of: $0)) })
            for (text, position) in results { #expect(byPosition[position] == text) }
            // Group commit: far fewer frames than appends.
            let frames = log.state.withLock { $0.index.frames.count }
            #expect(frames < appenders * perAppender)
            await log.close()
        }
    }

    @Test func wrongExpectedVersionAppendsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            _ = try await log.append([LogFixtures.record("a")], to: "s1", expectedVersion: .noStream)
            await #expect {
                _ = try await log.append([LogFixtures.record("b")], to: "s1", expectedVersion: .noStream)
            } throws: { error in
                guard case EventLogError.wrongExpectedVersion(let stream, _, let actual) = error else { return false }
                return stream == "s1" && actual == 1
            }
            await #expect(throws: EventLogError.self) {
                _ = try await log.append([LogFixtures.record("c")], to: "s1", expectedVersion: .exact(5))
            }
            await #expect(throws: EventLogError.self) {
                _ = try await log.append([LogFixtures.record("d")], to: "new", expectedVersion: .streamExists)
            }
            #expect(try await log.durableEnd() == LogPosition(1))
            let next = try await log.append([LogFixtures.record("e")], to: "s1", expectedVersion: .exact(1))
            #expect(next.positions == [LogPosition(2)])
            await log.close()
        }
    }

    @Test func retryWithSameEventIDsReturnsOriginalPositions() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let ids = [EventID.random(), EventID.random()]
            let batch = [LogFixtures.record("a", id: ids[0]), LogFixtures.record("b", id: ids[1])]
            let original = try await log.append(batch, to: "s1", expectedVersion: .noStream)
            _ = try await log.append([LogFixtures.record("other")], to: "s2")
            // The retry carries a stale expected version: idempotency answers before the version check.
            let retry = try await log.append(batch, to: "s1", expectedVersion: .noStream)
            #expect(retry.positions == original.positions)
            #expect(retry.streamVersion == 2)
            #expect(retry.deduplicated)
            #expect(!original.deduplicated)
            #expect(try await log.durableEnd() == LogPosition(3))
            await log.close()

            // Idempotency survives a reopen: the index is rebuilt from the log.
            let reopened = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let afterReopen = try await reopened.append(batch, to: "s1")
            #expect(afterReopen.positions == original.positions)
            #expect(try await reopened.durableEnd() == LogPosition(3))
            await reopened.close()
        }
    }

    @Test func concurrentRetriesOfOneAppendAppendOnce() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = LogFixtures.configuration()
            configuration.durability = .fsync
            let log = try EventLog(directory: dir, configuration: configuration)
            let record = LogFixtures.record("once")
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for _ in 0..<32 { group.addTask { try await log.append([record], to: "s1") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.positions)) == [[LogPosition(1)]])
            #expect(results.filter { !$0.deduplicated }.count == 1)
            #expect(try await log.durableEnd() == LogPosition(1))
            await log.close()
        }
    }

    @Test func partialRetryIsAConflict() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let known = LogFixtures.record("a")
            _ = try await log.append([known], to: "s1")
            await #expect(throws: EventLogError.self) {
                _ = try await log.append([known, LogFixtures.record("b")], to: "s1")
            }
            await #expect(throws: EventLogError.self) {
                _ = try await log.append([known], to: "another-stream")
            }
            #expect(try await log.durableEnd() == LogPosition(1))
            await log.close()
        }
    }

    @Test func invalidAppendsAreRefused() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            await #expect(throws: EventLogError.self) { _ = try await log.append([], to: "s1") }
            await #expect(throws: EventLogError.self) { _ = try await log.append([LogFixtures.record("a")], to: "") }
            let twice = LogFixtures.record("a")
            await #expect(throws: EventLogError.self) { _ = try await log.append([twice, twice], to: "s1") }
            #expect(try await log.durableEnd() == .zero)
            await log.close()
        }
    }

    @Test func recordedAtIsStrictlyIncreasingEvenWhenTheClockStepsBack() async throws {
        try await withTemporaryDirectory { dir in
            // The first tick dates the first segment's header; the rest date the appends.
            let ticks = Mutex<[Int64]>([1, 5_000, 4_000, 4_000, 9_000])
            var configuration = LogFixtures.configuration()
            configuration.clock = { ticks.withLock { $0.isEmpty ? 0 : $0.removeFirst() } }
            let log = try EventLog(directory: dir, configuration: configuration)
            for text in ["a", "b", "c"] { _ = try await log.append([LogFixtures.record(text)], to: "s") }
            _ = try await log.append([LogFixtures.record("d"), LogFixtures.record("e")], to: "s")
            let times = try await log.read(from: LogPosition(1), limit: 10).map(\.recordedAtMicros)
            #expect(times == [5_000, 5_001, 5_002, 9_000, 9_001])
            await log.close()
        }
    }

    @Test func tailDeliversDurableRecordsThenLiveOnes() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            _ = try await log.append([LogFixtures.record("before-1"), LogFixtures.record("before-2")], to: "s")
            let received = try await withThrowingTaskGroup(of: [String].self) { group in
                group.addTask {
                    var texts: [String] = []
                    for try await record in log.tail(from: LogPosition(2)) {
                        texts.append(LogFixtures.text(of: record))
                        if texts.count == 3 { break }
                    }
                    return texts
                }
                // Wait until the tail has consumed what exists and sleeps on the durable end,
                // so the new frames must wake it.
                while log.state.withLock({ $0.waiters.isEmpty }) { await Task.yield() }
                _ = try await log.append([LogFixtures.record("live-1")], to: "s")
                _ = try await log.append([LogFixtures.record("live-2")], to: "s")
                return try await group.next()!
            }
            #expect(received == ["before-2", "live-1", "live-2"])
            await log.close()
        }
    }

    @Test func waitingForTheDurableEndEndsOnCancellation() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let waiter = Task { try await log.waitForDurableEnd(after: LogPosition(10)) }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { _ = try await waiter.value }
            await log.close()
        }
    }
}
