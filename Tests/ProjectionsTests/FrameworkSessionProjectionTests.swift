import EventLog
import Foundation
import Projections
import Sessions
import Testing

/// A framework session through the writer and the replay loop: items, a pop, a clear, a rewind and scoped
/// state. At every version the projection's snapshot, items (live, and with the removed ones) and export equal
/// the fold's, and shared `app:`/`user:` keys reach the other sessions of the app (and user).
struct FrameworkSessionProjectionTests {
    static func create(_ id: SessionID, user: String, state: JSONObject = [:]) -> SessionCommand {
        .createFrameworkSession(
            CreateFrameworkSession(sessionID: id, namespace: "default", appName: "weather", userID: user, state: state))
    }

    static func item(_ id: SessionID, _ message: MessageID, _ role: MessageRole, _ n: Double) -> SessionCommand {
        .appendMessage(
            AppendMessage(
                sessionID: id, messageID: message, role: role, inputTokens: role == .assistant ? 10 : nil,
                item: .object(["n": .number(n), "role": .string(role.rawValue)])))
    }

    @Test func everyVersionReadsAsTheFold() async throws {
        try await ProjectionHarness.with { harness in
            let id: SessionID = "adk-1"
            let commands: [SessionCommand] = [
                Self.create(id, user: "u1", state: ["k": .string("v"), "app:theme": .string("dark"), "temp:t": .bool(true)]),
                Self.item(id, "i1", .user, 1), Self.item(id, "i2", .assistant, 2),
                .updateState(UpdateState(sessionID: id, delta: ["k": .number(2), "user:name": .string("Ada")])),
                Self.item(id, "i3", .tool, 3),
                .removeMessages(RemoveMessages(sessionID: id, removal: .pop)),
                .removeMessages(RemoveMessages(sessionID: id, removal: .clear)),
                Self.item(id, "i4", .user, 4), Self.item(id, "i5", .assistant, 5),
                .rewindBeforeMessage(RewindBeforeMessage(sessionID: id, messageID: "i5")),
            ]
            var fold = SessionState.initial
            var folds: [SessionState] = []
            for command in commands {
                _ = try await harness.writer.execute(command)
                fold = try await foldStream(of: id, in: harness.log)  // with contents: the writer's state has none
                folds.append(fold)
            }
            for state in folds {
                let asOf = AsOf.version(state.version)
                #expect(try await harness.store.session(id, at: asOf) == SessionSnapshot(state), "version \(state.version)")
                let items = try #require(try await harness.store.items(id, at: asOf))
                let live = state.liveMessages.compactMap(\.appended.item)
                #expect(items.count == live.count && items.compactMap(\.item) == live, "version \(state.version)")
                let all = try #require(try await harness.store.items(id, at: asOf, includeRemoved: true))
                let withItems = state.transcript.filter { $0.appended.item != nil }
                #expect(all.count == withItems.count, "version \(state.version)")
                #expect(all.compactMap(\.item) == withItems.compactMap(\.appended.item), "version \(state.version)")
                #expect(all.map(\.removed) == withItems.map(\.isRemoved), "version \(state.version)")
                #expect(try await harness.store.export(id, at: asOf) == SessionExport(state), "version \(state.version)")
                #expect(
                    try await harness.store.exportJSON(id, at: asOf) == SessionExport(state).map(LegacyExportJSON.render),
                    "JSON at version \(state.version)")
            }
            #expect(fold.state == ["k": .number(2)])
            #expect(try await harness.store.items(id, latest: 1)?.map(\.messageID) == ["i4"])

            _ = try await harness.writer.execute(Self.create("adk-2", user: "u1"))
            _ = try await harness.writer.execute(Self.create("adk-3", user: "u2"))
            let sameUser = try #require(try await harness.store.session("adk-2"))
            #expect(try await harness.store.state(of: sameUser) == ["app:theme": .string("dark"), "user:name": .string("Ada")])
            let otherUser = try #require(try await harness.store.session("adk-3"))
            #expect(try await harness.store.state(of: otherUser) == ["app:theme": .string("dark")])
        }
    }

    /// A framework session created without an id gets one before it is decided: its events are in the stream
    /// of the id it answers with, so the next append finds it.
    @Test func aSessionCreatedWithoutAnIDTakesAppends() async throws {
        try await ProjectionHarness.with { harness in
            let created = try await harness.writer.execute(
                .createFrameworkSession(CreateFrameworkSession(namespace: "default", appName: "weather", userID: "u1")))
            let id = created.sessionID
            let appended = try await harness.writer.execute(Self.item(id, "i1", .user, 1))
            #expect(appended.state.version == 2)
            #expect(try await harness.log.streamVersion(id.rawValue) == 2)
        }
    }
}

/// `itemsAppended` reads only the span between two versions: for every pair of versions of a framework session
/// with a batch of items (one record, several events), a pop, a clear and a rewind, it answers what the fold
/// says a reader holding the items at the first version lacks at the second, or `nil` when one was removed between;
/// `latestWithItemsAppended` answers as the latest snapshot and `itemsAppended` up to it.
struct ItemsAppendedTests {
    @Test func everySpanAnswersAsTheFold() async throws {
        try await ProjectionHarness.with { harness in
            let id: SessionID = "sdk-1"
            let item = FrameworkSessionProjectionTests.item
            _ = try await harness.writer.execute(FrameworkSessionProjectionTests.create(id, user: "u1"))
            _ = try await harness.writer.execute(item(id, "i1", .user, 1))
            _ = try await harness.writer.execute(
                batch: [item(id, "i2", .assistant, 2), item(id, "i3", .tool, 3), item(id, "i4", .assistant, 4)], on: id)
            for command in [
                item(id, "i5", .user, 5), .removeMessages(RemoveMessages(sessionID: id, removal: .pop)),
                item(id, "i6", .user, 6), item(id, "i7", .assistant, 7),
                .rewindBeforeMessage(RewindBeforeMessage(sessionID: id, messageID: "i7")),
                item(id, "i8", .assistant, 8), .removeMessages(RemoveMessages(sessionID: id, removal: .clear)),
                item(id, "i9", .user, 9),
            ] {
                _ = try await harness.writer.execute(command)
            }
            _ = try await harness.writer.execute(item(id, "i10", .assistant, 10))
            let fold = try await foldStream(of: id, in: harness.log)  // with contents: the writer's state has none
            for upTo in 0...fold.version {
                for after in 0...upTo {
                    let removed = fold.transcript.contains { ($0.removedVersion ?? 0) > after && ($0.removedVersion ?? 0) <= upTo }
                    let expected = fold.transcript.filter {
                        $0.appendedVersion > after && $0.appendedVersion <= upTo && ($0.removedVersion ?? .max) > upTo
                    }
                    let got = try await harness.store.itemsAppended(id, after: after, upTo: upTo)
                    if removed {
                        #expect(got == nil, "after \(after) up to \(upTo)")
                    } else {
                        #expect(got?.map(\.messageID) == expected.map(\.id), "after \(after) up to \(upTo)")
                        #expect(got?.compactMap(\.item) == expected.compactMap(\.appended.item), "after \(after) up to \(upTo)")
                    }
                }
            }
            // The latest snapshot with what was appended since, in one read: the same as the two reads.
            for after in 0...(fold.version + 1) {
                let both = try #require(try await harness.store.latestWithItemsAppended(id, after: after))
                #expect(both.session == SessionSnapshot(fold))
                let appended = after <= fold.version
                    ? try await harness.store.itemsAppended(id, after: after, upTo: fold.version) : nil
                #expect(both.appended == appended, "after \(after)")
            }
            #expect(try await harness.store.itemsAppended("missing", after: 0, upTo: 1) == nil)
            #expect(try await harness.store.latestWithItemsAppended("missing", after: 0) == nil)
        }
    }
}
