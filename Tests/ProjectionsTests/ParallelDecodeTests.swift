import EventLog
import Foundation
@testable import Projections
import Sessions
import Testing
import TestSupport

/// A rebuild decodes each batch in slices on every core (decision 0132): the records come back in log order.
@Suite struct ParallelDecodeTests {
    @Test func slicesDecodeInLogOrderAndARebuildEqualsTheFold() async throws {
        try await withTemporaryDirectory { dir in
            let log = try await CorpusReplayTests.corpusLog(in: dir, seed: 5, sessions: 24, turns: 8)
            let records = try await readAll(log)
            #expect(records.count > 3 * DecodedRecord.minimumPart, "enough records for three slices")
            let whole = try DecodedRecord.decode(records)
            for parts in [2, 3, 7] {
                let sliced = try await DecodedRecord.decode(records, parts: parts)
                #expect(sliced.map(\.position) == whole.map(\.position), "\(parts) parts")
                #expect(sliced.map(\.eventID) == whole.map(\.eventID), "\(parts) parts")
                #expect(sliced.map(\.columns.summary) == whole.map(\.columns.summary), "\(parts) parts")
            }

            // Of two undecodable records in different slices, the first in log order is reported, as one piece says.
            var broken = records
            for index in [records.count / 2 + 5, 5] { broken[index].body = Array("{not json".utf8) }
            for parts in [1, 2, 3] {
                do {
                    _ = try await DecodedRecord.decode(broken, parts: parts)
                    Issue.record("\(parts) parts decoded an undecodable record")
                } catch ProjectionError.undecodableRecord(let position, _, _) {
                    #expect(position == records[5].position, "\(parts) parts")
                }
            }

            // A fresh database is rebuilt at open, in 8,192-record batches decoded in slices.
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            for (id, state) in try await foldLog(log) {
                #expect(try await store.session(id) == SessionSnapshot(state))
                #expect(try await store.export(id) == SessionExport(state))
            }
            await log.close()
        }
    }
}
