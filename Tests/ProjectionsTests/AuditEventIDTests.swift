import EventLog
import Foundation
import Projections
import Sessions
import Testing

/// The event index stores each event id as its 16 bytes (schema 7); the audit history still names every event
/// by the id the log holds, as lowercase UUID text, live and after a rebuild.
@Suite struct AuditEventIDTests {
    @Test func theAuditHistoryNamesEachEventByItsLogID() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await ForkAndAuditTests.script(harness.writer)
            let end = try await harness.log.durableEnd()
            try await harness.replay.waitUntilApplied(end)
            let records = try await harness.log.read(from: LogPosition(1), limit: 100).filter { $0.stream == "src" }
            let expected = records.map { $0.eventID.description.lowercased() }
            #expect(expected.count >= 5)
            #expect(Set(expected).count == expected.count)

            let live = try await harness.store.events("src")
            #expect(live.map(\.eventID) == expected)
            #expect(live.map(\.position) == records.map(\.position))

            _ = try await harness.store.rebuild(from: harness.log)
            #expect(try await harness.store.events("src").map(\.eventID) == expected)
        }
    }
}
