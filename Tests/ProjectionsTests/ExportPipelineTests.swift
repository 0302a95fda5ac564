import EventLog
import Foundation
@testable import Projections
import Sessions
import Testing
import TestSupport
import Workload

/// The export pipeline (decision 0128) under failure and load: a failed scan releases every worker, an export
/// of one segment dispatches none, and long exports at the standard segment size, alone or many at once, give
/// the legacy renderer's bytes.
@Suite struct ExportPipelineTests {
    /// A corpus log of two long sessions, its store, and each session's state after every position.
    struct Corpus {
        var store: ProjectionStore
        var log: EventLog
        /// Per session: the positions of its events with the number of live messages after each.
        var live: [SessionID: [(position: LogPosition, count: Int)]]
        var final: [SessionID: SessionState]

        static func open(in dir: String, turns: Int) async throws -> Corpus {
            let log = try await CorpusReplayTests.corpusLog(in: dir, seed: 29, sessions: 2, turns: turns)
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            var states: [SessionID: SessionState] = [:]
            var live: [SessionID: [(LogPosition, Int)]] = [:]
            for record in try await readAll(log) {
                let id = SessionID(rawValue: record.stream)!
                let event = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
                states[id, default: .initial].apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
                live[id, default: []].append((record.position, states[id]!.transcript.count { !$0.isRemoved }))
            }
            return Corpus(store: store, log: log, live: live, final: states)
        }

        /// The longest session and its legacy export.
        func longest() throws -> (id: SessionID, expected: [UInt8], live: Int) {
            let (id, state) = try #require(final.max { $0.value.transcript.count < $1.value.transcript.count })
            let export = try #require(SessionExport(state))
            return (id, LegacyExportJSON.render(export), export.messages.count)
        }
    }

    @Test func aFailedScanReleasesEveryWorkerAndTheNextExportSucceeds() async throws {
        try await withTemporaryDirectory { dir in
            let corpus = try await Corpus.open(in: dir, turns: 10)
            let (id, expected, _) = try corpus.longest()
            for failAt in [1, 2, 5] {
                let probe = ExportProbe()
                let failing = ExportRendering(threads: 3, messagesPerSegment: 1, failAfterRows: failAt, probe: probe)
                await #expect(throws: ExportRendering.InjectedFailure.self) {
                    try await corpus.store.exportJSON(id, at: .latest, rendering: failing)
                }
                // Past the first row a segment was handed over, so workers were dispatched: all must return.
                #expect(probe.dispatchedWorkers == (failAt > 2 ? 2 : 0), "failing at row \(failAt)")
                let deadline = Date().addingTimeInterval(10)
                while probe.unfinishedWorkers > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
                #expect(probe.unfinishedWorkers == 0, "workers left waiting after a failure at row \(failAt)")
                let next = try await corpus.store.exportJSON(
                    id, at: .latest, rendering: ExportRendering(threads: 3, messagesPerSegment: 1))
                #expect(next == expected)
            }
            await corpus.log.close()
        }
    }

    @Test func anExportOfOneSegmentDispatchesNoWorker() async throws {
        try await withTemporaryDirectory { dir in
            let corpus = try await Corpus.open(in: dir, turns: 200)
            let (id, _, _) = try corpus.longest()
            let history = try #require(corpus.live[id])
            let segment = ExportRendering.standard.messagesPerSegment
            for count in [1, segment] {
                let position = try #require(history.first { $0.count == count }?.position, "\(count) live messages")
                let probe = ExportProbe()
                var rendering = ExportRendering.standard
                rendering.probe = probe
                let json = try await corpus.store.exportJSON(id, at: .position(position), rendering: rendering)
                #expect(json == (try await corpus.store.exportJSON(id, at: .position(position), rendering: .init(threads: 1, messagesPerSegment: segment))))
                #expect(probe.dispatchedWorkers == 0, "\(count) live messages")
            }
            // One message more than a segment hands the first segment over: the workers start.
            let longer = try #require(history.first { $0.count == segment + 1 }?.position)
            let probe = ExportProbe()
            let rendering = ExportRendering(threads: 2, messagesPerSegment: segment, probe: probe)
            _ = try await corpus.store.exportJSON(id, at: .position(longer), rendering: rendering)
            #expect(probe.dispatchedWorkers == 1)
            await corpus.log.close()
        }
    }

    @Test func longExportsAtTheStandardSizeMatchTheLegacyRendererAloneAndConcurrently() async throws {
        try await withTemporaryDirectory { dir in
            let corpus = try await Corpus.open(in: dir, turns: 200)
            let (id, expected, live) = try corpus.longest()
            let segment = ExportRendering.standard.messagesPerSegment
            #expect(live > 2 * segment, "the export spans several segments")
            // Some tool call's result is recorded in a message of a later segment than the call's.
            let state = try #require(corpus.final[id])
            let messages = state.transcript.filter { !$0.isRemoved }
            let callSegment = Dictionary(
                messages.enumerated().flatMap { index, message in message.toolCalls.map { ($0.call.id, index / segment) } },
                uniquingKeysWith: { first, _ in first })
            let straddling = messages.enumerated().contains { index, message in
                message.resultToolCallIDs.contains { callSegment[$0].map { $0 != index / segment } ?? false }
            }
            #expect(straddling, "a result lies in a later segment than its call")
            #expect(try await corpus.store.exportJSON(id, at: .latest) == expected)
            for threads in [2, 3, 4] {
                let rendering = ExportRendering(threads: threads, messagesPerSegment: segment)
                #expect(try await corpus.store.exportJSON(id, at: .latest, rendering: rendering) == expected)
            }

            // Many exports at once (long ones in small segments on 3 threads, long and short ones at the
            // standard size): each equals the same export taken alone.
            let short = try #require(corpus.live[id]?.first { $0.count == 3 }?.position)
            let requests: [(AsOf, ExportRendering)] = (0..<16).map { number in
                switch number % 4 {
                case 0: (.latest, ExportRendering(threads: 3, messagesPerSegment: 7))
                case 1: (.latest, .standard)
                case 2: (.position(short), .standard)
                default: (.latest, ExportRendering(threads: 4, messagesPerSegment: 50))
                }
            }
            var sequential: [[UInt8]?] = []
            for (asOf, rendering) in requests {
                sequential.append(try await corpus.store.exportJSON(id, at: asOf, rendering: rendering))
            }
            let store = corpus.store
            let concurrent = try await withThrowingTaskGroup(of: (Int, [UInt8]?).self) { group in
                for (number, (asOf, rendering)) in requests.enumerated() {
                    group.addTask { (number, try await store.exportJSON(id, at: asOf, rendering: rendering)) }
                }
                var results = [[UInt8]?](repeating: nil, count: requests.count)
                for try await (number, json) in group { results[number] = json }
                return results
            }
            #expect(concurrent == sequential)
            #expect(sequential[0] == expected && sequential[1] == expected)
            await corpus.log.close()
        }
    }
}
