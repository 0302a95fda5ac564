import EventLog
import Foundation
import GRDB
import Sessions
import Testing
import Workload

@testable import Projections

/// The binary search for a session's last event at a position agrees with a scan of its event index, at every
/// position of a log where sessions interleave.
@Suite struct SessionReaderLastEventTests {
    @Test(arguments: [4 as UInt64, 5])
    func binarySearchEqualsAScanAtEveryPosition(seed: UInt64) async throws {
        try await ProjectionHarness.with { harness in
            let sessions = (0..<4).map { SessionID(rawValue: "last-\(seed)-\($0)")! }
            var generator = ProjectionPropertyTests.CommandGenerator(random: SplitMix64(seed: seed), sessions: sessions)
            var states: [SessionID: SessionState] = [:]
            for _ in 0..<150 {
                if let result = try? await harness.writer.execute(generator.next(states: states)) {
                    // The generator reads the messages' contents, which the writer's state has none of (decision 0156).
                    states[result.sessionID] = try await foldStream(of: result.sessionID, in: harness.log)
                }
            }
            let end = try await harness.log.durableEnd()
            try await harness.replay.waitUntilApplied(end)
            #expect(end.rawValue > 60, "the script must produce a log worth searching")

            let ids = sessions.map(\.rawValue) + ["no-such-session"]
            let mismatches = try await harness.store.read { db in
                let reader = SessionReader(db: db)
                var mismatches: [String] = []
                for id in ids {
                    for position in 0...Int64(end.rawValue) + 1 {
                        let scanned = try SessionReader.IndexedEvent.fetchScan(db, id: id, position: position)
                        let searched = try reader.lastEvent(of: id, atOrBefore: position)
                        if scanned != searched { mismatches.append("\(id) at \(position): \(String(describing: searched))") }
                    }
                }
                return mismatches
            }
            #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        }
    }
}

extension SessionReader.IndexedEvent {
    /// The reference: a scan of the session's event index.
    fileprivate static func fetchScan(_ db: Database, id: String, position: Int64) throws -> Self? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT version, position, recordedAt FROM eventIndex
                WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND position <= ?
                ORDER BY version DESC LIMIT 1
                """,
            arguments: [id, position]
        ).map { Self(version: $0[0], position: $0[1], recordedAt: $0[2]) }
    }
}
