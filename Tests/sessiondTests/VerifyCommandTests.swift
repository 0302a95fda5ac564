import ArgumentParser
import EventLog
import Foundation
import Logging
import Projections
import Sessions
import Testing
import TestSupport
import Workload

@testable import sessiond

/// `sessiond verify` audits a data directory, maybe a copy of a damaged one: it reports and changes nothing.
@Suite struct VerifyCommandTests {
    private static let quiet = Logger(label: "sessiond-test", factory: { _ in SwiftLogNoOpLogHandler() })

    private func verify(_ dataDirectory: String) throws -> Verify {
        let command = try Sessiond.parseAsRoot(["verify", "--data", dataDirectory])
        return try #require(command as? Verify, "parsed as \(type(of: command))")
    }

    private static func record(_ event: SessionEvent) -> ProposedRecord {
        let encoded = try! event.encoded()
        return ProposedRecord(type: encoded.type, schemaVersion: encoded.schemaVersion, body: encoded.body)
    }

    /// A data directory as a stopped `serve` leaves it: a log of two sessions (synced writes) and the projection
    /// caught up with it. Returns the newest segment's path.
    private func servedDataDirectory(_ dir: String) async throws -> String {
        var configuration = EventLog.Configuration()
        configuration.dictionaryTraining = .disabled
        let log = try EventLog(directory: dir, configuration: configuration)
        var corpus = SessionCorpus(seed: 11)
        for number in 0..<2 {
            let session = SessionCorpus.sessionID(number)
            _ = try await log.append([Self.record(SessionCorpus.creation(session: session, number: number))], to: session)
            for turn in 0..<3 {
                _ = try await log.append(corpus.turn(session: session, turn: turn).map(Self.record), to: session)
            }
        }
        do {
            // Opened as `serve` opens it (built from the log, then in WAL mode), and closed again.
            let store = try await ProjectionStore.open(path: OfflineProjection.databasePath(in: dir), log: log)
            _ = try await store.catchUp(from: log)
        }
        await log.close()
        let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }
        let newest = try #require(segments.sorted().last)
        return dir + "/" + newest
    }

    @Test func verifyLeavesATornTailAndEveryFileAsTheyAreAndNamesTheTornTail() async throws {
        try await withTemporaryDirectory { dir in
            let segment = try await servedDataDirectory(dir)
            // A write a power cut tore: the first 30 bytes of a frame header (a segment's first frame is at byte 32).
            let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            let end = UInt64(bytes.count)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
            try handle.seekToEnd()
            try handle.write(contentsOf: bytes[32..<62])
            try handle.close()
            let before = try DirectorySnapshot(dir)

            var lines: [String] = []
            let matched = try await verify(dir).check(logger: Self.quiet) { lines.append($0) }

            // The log's files, that is: the projection is derived data, which `verify` opens as `serve` does.
            let changes = try DirectorySnapshot(dir).changes(since: before).filter { !$0.hasPrefix("projection.sqlite") }
            #expect(changes == [], "verify changed the log: \(changes)")
            let report = lines.joined(separator: "\n")
            #expect(matched, "\(report)")
            #expect(report.contains("torn tail"), "\(report)")
            #expect(report.contains("\(segment) from byte \(end), 30 bytes (incomplete frame header"), "\(report)")
            #expect(report.contains("matches a rebuild"), "\(report)")
        }
    }

    @Test func theCommandsThatOnlyReadSaySoInTheirHelp() {
        for help in [
            Sessiond.helpMessage(for: Verify.self), Sessiond.helpMessage(for: Export.self),
            Sessiond.helpMessage(for: Events.self),
        ] {
            #expect(help.contains("read-only"), "\(help)")
        }
        #expect(!Sessiond.helpMessage(for: RebuildCommand.self).contains("read-only"))
    }

    @Test func verifyStillRefusesADataDirectoryADaemonHolds() async throws {
        try await withTemporaryDirectory { dir in
            let daemon = try EventLog(directory: dir, configuration: EventLog.Configuration(durability: .none))
            let command = try verify(dir)
            await #expect {
                _ = try await command.check(logger: Self.quiet) { _ in }
            } throws: { error in
                (error as? ExitCode) == .failure
            }
            await daemon.close()
        }
    }
}
