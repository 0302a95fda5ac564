import EventLog
import Foundation
import Projections
import Sessions
import Testing
import TestSupport

@testable import Projections

@Suite struct CheckpointTests {
    @Test func aCheckpointAheadOfTheLogRefusesToServeAndNamesRebuild() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/projection.sqlite"
            let long = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            try await ReplayCrashTests.appendWorkload(to: long)
            let store = try await ProjectionStore.open(path: path, log: long)
            #expect(try await store.checkpoint() == (try await long.durableEnd()))
            await long.close()

            // The log loses its tail (e.g. restored from an older backup): it now ends before the checkpoint.
            try FileManager.default.removeItem(atPath: dir + "/log")
            let short = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            _ = try await SessionWriter(log: short, replay: nil).execute(
                .create(CreateSession(sessionID: "x", namespace: "default", title: "t", browserMode: "local-browser-service")))
            do {
                _ = try await ProjectionStore.open(path: path, log: short)
                Issue.record("opening must fail")
            } catch let error as ProjectionError {
                guard case .checkpointAheadOfLog(_, let checkpoint, let durableEnd) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(checkpoint > durableEnd)
                #expect(error.description.contains("sessiond rebuild"))
            }
            // `sessiond rebuild` fixes it.
            try await Rebuild(log: short, path: path).run()
            let rebuilt = try await ProjectionStore.open(path: path, log: short)
            #expect(try await rebuilt.session("x") != nil)
            await short.close()
        }
    }

    @Test func aRebuildOverAPlainFileAtTheLinksPlaceLeavesTheNewLink() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/projection.sqlite"
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            _ = try await SessionWriter(log: log, replay: nil).execute(
                .create(CreateSession(sessionID: "x", namespace: "default", title: "t", browserMode: "local-browser-service")))
            try await Rebuild(log: log, path: path).run()
            // An operator copies the database over the link (a restore from a backup, say).
            let target = try #require(ProjectionFile.currentTarget(of: path))
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: target, toPath: path)
            #expect(ProjectionFile.currentTarget(of: path) == path)

            try await Rebuild(log: log, path: path).run()
            let installed = try #require(ProjectionFile.currentTarget(of: path))
            #expect(installed != path)
            let store = try await ProjectionStore.open(path: path, log: log)
            #expect(try await store.session("x") != nil)
            await log.close()
        }
    }

    @Test func theCheckpointMovesOnlyByCompareAndSet() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(
                .create(CreateSession(sessionID: "cas", namespace: "default", title: "t", browserMode: "local-browser-service")))
            let at = try await harness.store.checkpoint()
            let records = try await harness.log.read(from: LogPosition(1), limit: 10)
            let batch = try DecodedRecord.decode(records)
            // A second writer that believes the checkpoint is elsewhere changes nothing.
            await #expect(throws: ProjectionError.self) {
                _ = try await harness.store.apply(batch, from: .zero)
            }
            #expect(try await harness.store.checkpoint() == at)
        }
    }

    @Test func extendingABuiltFileFromTheWrongCheckpointFailsAndLeavesItAsItWas() async throws {
        try await ProjectionHarness.with { harness in
            try await ReplayCrashTests.appendWorkload(to: harness.log)
            let end = try await harness.log.durableEnd()
            let rebuild = Rebuild(log: harness.log, path: harness.databasePath)
            let built = try await rebuild.build(upTo: LogPosition(end.rawValue / 2))
            // The batch's transaction is rolled back and the error thrown (not a transaction left open).
            await #expect(throws: ProjectionError.self) {
                _ = try await rebuild.extend(built.file, from: .zero, to: end)
            }
            #expect(try await rebuild.extend(built.file, from: built.position, to: end) == end)
        }
    }
}
