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
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            var corpus = SessionCorpus(seed: 9, rewindPercent: 30)
            for number in 0..<4 {
                let session = SessionCorpus.sessionID(number)
                _ = try await log.append([Self.record(SessionCorpus.creation(session: session, number: number))], to: session)
                for turn in 0..<6 {
                    _ = try await log.append(corpus.turn(session: session, turn: turn).map(Self.record), to: session)
                }
            }
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

    static func record(_ event: SessionEvent) -> ProposedRecord {
        let encoded = try! event.encoded()
        return ProposedRecord(type: encoded.type, schemaVersion: encoded.schemaVersion, body: encoded.body)
    }
}
