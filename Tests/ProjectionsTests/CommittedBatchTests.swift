import EventLog
import Foundation
import Projections
import Sessions
import Synchronization
import Testing

/// What the replay loop tells a cache after each commit (``CommittedBatch``): for each command of a framework
/// session, the versions it moved the session through and, when it only appended messages (one or a batch, with
/// an item or without), exactly the items the store reads back for that span; for anything else no items.
struct CommittedBatchTests {
    final class Recorder: Sendable {
        let changes = Mutex<[[String: SessionChange]]>([])
    }

    @Test func eachCommitCarriesTheItemsTheStoreReadsBack() async throws {
        let recorder = Recorder()
        var configuration = ReplayLoop.Configuration()
        configuration.afterCommit = { batch in recorder.changes.withLock { $0.append(batch.changes()) } }
        try await ProjectionHarness.with(replayConfiguration: configuration) { harness in
            let id: SessionID = "sdk-1"
            let item = FrameworkSessionProjectionTests.item
            let steps: [[SessionCommand]] = [
                [FrameworkSessionProjectionTests.create(id, user: "u1")],
                [item(id, "i1", .user, 1)],
                [item(id, "i2", .assistant, 2), item(id, "i3", .tool, 3)],
                [.removeMessages(RemoveMessages(sessionID: id, removal: .pop))],
                [item(id, "i4", .user, 4)],
                [.appendMessage(AppendMessage(sessionID: id, messageID: "m5", role: .user, text: "no item"))],
                [.updateState(UpdateState(sessionID: id, delta: ["k": .number(1)]))],
                [item(id, "i6", .assistant, 6), .updateState(UpdateState(sessionID: id, delta: ["k": .number(2)]))],
                [.removeMessages(RemoveMessages(sessionID: id, removal: .clear))],
                [item(id, "i7", .user, 7)],
            ]
            var version: UInt64 = 0
            for commands in steps {
                recorder.changes.withLock { $0.removeAll() }
                let result = commands.count == 1
                    ? try await harness.writer.execute(commands[0])
                    : try await harness.writer.execute(batch: commands, on: id)
                let batches = recorder.changes.withLock { $0 }
                #expect(batches.count == 1, "one commit per write here")
                let change = try #require(batches.first?[id.rawValue])
                #expect(change.firstVersion == version + 1, "\(commands)")
                #expect(change.lastVersion == result.state.version, "\(commands)")
                let onlyAppends = commands.allSatisfy { if case .appendMessage = $0 { true } else { false } }
                if onlyAppends {
                    let stored = try #require(
                        try await harness.store.itemsAppended(id, after: version, upTo: result.state.version))
                    #expect(change.appendedItems == stored, "\(commands)")
                } else {
                    #expect(change.appendedItems == nil, "\(commands)")
                }
                version = result.state.version
            }
        }
    }
}
