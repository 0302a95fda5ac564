import EventLog
import Foundation
import Projections
import Sessions
import Testing
import TestSupport
import Workload

/// The benchmark's corpus, appended without deciding, projects to what its fold says.
@Suite struct CorpusReplayTests {
    @Test func corpusSessionsProjectToTheirFold() async throws {
        try await withTemporaryDirectory { dir in
            let log = try await Self.corpusLog(in: dir, seed: 9, sessions: 4, turns: 6)
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            let folded = try await foldLog(log)
            #expect(folded.values.contains { $0.transcript.contains(where: \.isRemoved) }, "some turn was rewound")
            for (id, state) in folded {
                #expect(try await store.session(id) == SessionSnapshot(state))
                #expect(try await store.export(id) == SessionExport(state))
            }
            await log.close()
        }
    }

    /// A log in `dir` of `sessions` corpus sessions of `turns` turns each (30 % of turns rewound), one append per
    /// turn.
    static func corpusLog(in dir: String, seed: UInt64, sessions: Int, turns: Int) async throws -> EventLog {
        let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
        var corpus = SessionCorpus(seed: seed, rewindPercent: 30)
        for number in 0..<sessions {
            let session = SessionCorpus.sessionID(number)
            _ = try await log.append([record(SessionCorpus.creation(session: session, number: number))], to: session)
            for turn in 0..<turns {
                _ = try await log.append(corpus.turn(session: session, turn: turn).map(record), to: session)
            }
        }
        return log
    }

    static func record(_ event: SessionEvent) -> ProposedRecord {
        let encoded = try! event.encoded()
        return ProposedRecord(type: encoded.type, schemaVersion: encoded.schemaVersion, body: encoded.body)
    }
}
