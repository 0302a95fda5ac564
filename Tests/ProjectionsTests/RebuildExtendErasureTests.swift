import Foundation
@testable import Projections
import Sessions
import Testing

/// A rebuild of a running store catches its fresh file up to the live checkpoint (`Rebuild.extend`); a tombstone
/// applied there must leave no copy of the deleted session's rows in the file's free pages, as the live store's
/// and the bulk load's connections ensure with `secure_delete`. (Debian's libsqlite3 turns it on by default, so here
/// the test guards the behaviour; on a build without that default it is what fails when the pragma is missing.)
@Suite struct RebuildExtendErasureTests {
    static let marker = "EXTEND-ERASE-MARKER-7301"

    @Test func aTombstoneAppliedWhileCatchingUpLeavesNoCopyInTheFile() async throws {
        try await ProjectionHarness.with { harness in
            let writer = harness.writer
            _ = try await writer.execute(
                .create(CreateSession(sessionID: "kept", namespace: "default", title: "t", browserMode: "local-browser-service")))
            _ = try await writer.execute(
                .create(CreateSession(
                    sessionID: "secret", namespace: "default", title: "t", browserMode: "local-browser-service")))
            for turn in 0..<20 {
                _ = try await writer.execute(
                    .sendUserMessage(SendUserMessage(sessionID: "secret", text: "\(Self.marker) \(turn)")))
            }
            let beforeDelete = try await harness.log.durableEnd()
            _ = try await writer.execute(.delete(DeleteSession(sessionID: "secret")))
            let end = try await harness.log.durableEnd()

            let rebuild = Rebuild(log: harness.log, path: harness.databasePath)
            let built = try await rebuild.build(upTo: beforeDelete)
            defer { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: built.file + suffix) } }
            let needle = Data(Self.marker.utf8)
            #expect(FileManager.default.contents(atPath: built.file)?.range(of: needle) != nil, "written before the delete")

            #expect(try await rebuild.extend(built.file, from: beforeDelete, to: end) == end)
            #expect(FileManager.default.contents(atPath: built.file)?.range(of: needle) == nil)
        }
    }
}
