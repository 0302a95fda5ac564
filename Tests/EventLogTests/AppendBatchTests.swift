import EventLog
import Testing
import TestSupport

/// `append(batch:)`: many streams' appends in one reservation and one frame, each answered on its own.
@Suite struct AppendBatchTests {
    @Test func eachEntryIsAnsweredOnItsOwnAndTheAppendedOnesShareOneFrame() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let earlier = LogFixtures.record("earlier")
            _ = try await log.append([earlier], to: "s3")
            let before = log.statistics
            let results = await log.append(batch: [
                StreamAppend([LogFixtures.record("one")], to: "s1", expectedVersion: .exact(0)),
                StreamAppend([LogFixtures.record("stale")], to: "s2", expectedVersion: .exact(5)),
                StreamAppend([LogFixtures.record("two"), LogFixtures.record("three")], to: "s1", expectedVersion: .exact(1)),
                StreamAppend([], to: "s4"),
                StreamAppend([earlier], to: "s3"),
            ])
            #expect(results.count == 5)
            let first = try results[0].get(), second = try results[2].get(), retry = try results[4].get()
            #expect(first.positions == [LogPosition(2)] && first.streamVersion == 1)
            #expect(second.positions == [LogPosition(3), LogPosition(4)] && second.streamVersion == 3)
            #expect(retry.deduplicated && retry.positions == [LogPosition(1)])
            guard case .failure(EventLogError.wrongExpectedVersion(let stream, .exact(5), 0)) = results[1] else {
                Issue.record("a stale expected version was not refused: \(results[1])")
                return
            }
            #expect(stream == "s2")
            #expect(throws: EventLogError.self) { try results[3].get() }

            #expect(log.statistics.frames == before.frames + 1)
            #expect(log.statistics.appends == before.appends + 2)
            let stored = try await log.read(from: LogPosition(1), limit: 10)
            #expect(stored.map(LogFixtures.text) == ["earlier", "one", "two", "three"])
            #expect(try await log.streamVersion("s2") == 0)
            #expect(await log.append(batch: []).isEmpty)
            await log.close()
        }
    }
}
