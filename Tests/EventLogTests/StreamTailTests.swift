import Foundation
import Synchronization
import Testing
import TestSupport
@testable import EventLog

/// `tail(stream:after:)`: one stream's records after a position, catching up then live, other streams skipped.
@Suite struct StreamTailTests {
    @Test func resumesAfterAPositionAndFollowsOnlyItsStream() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            // A long stream, interleaved with another, so the resume point is found far from the stream's start.
            var resumeAfter = LogPosition(0)
            for index in 0..<100 {
                let result = try await log.append([LogFixtures.record("a-\(index)")], to: "a")
                if index == 96 { resumeAfter = result.positions[0] }
                _ = try await log.append([LogFixtures.record("b-\(index)")], to: "b")
            }
            let after = resumeAfter
            let received = try await withThrowingTaskGroup(of: [String].self) { group in
                group.addTask {
                    var texts: [String] = []
                    for try await record in log.tail(stream: "a", after: after) {
                        texts.append(LogFixtures.text(of: record))
                        if texts.count == 5 { break }
                    }
                    return texts
                }
                // Wait until the tail sleeps on the durable end, so the new records must wake it.
                while log.state.withLock({ $0.waiters.isEmpty }) { await Task.yield() }
                _ = try await log.append([LogFixtures.record("b-live")], to: "b")
                _ = try await log.append([LogFixtures.record("a-live-1"), LogFixtures.record("a-live-2")], to: "a")
                return try await group.next()!
            }
            #expect(received == ["a-97", "a-98", "a-99", "a-live-1", "a-live-2"])
            await log.close()
        }
    }

    @Test func fromTheStartOfTheLogReadsTheWholeStream() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            _ = try await log.append([LogFixtures.record("x-1"), LogFixtures.record("x-2")], to: "x")
            _ = try await log.append([LogFixtures.record("y-1")], to: "y")
            var texts: [String] = []
            for try await record in log.tail(stream: "x", after: LogPosition(0)) {
                texts.append(LogFixtures.text(of: record))
                if texts.count == 2 { break }
            }
            #expect(texts == ["x-1", "x-2"])
            await log.close()
        }
    }
}
