import Foundation
import Sessions
import Testing

/// What the framework adapters record through the native API: sessions of an app and user, opaque items,
/// `pop_item` / `clear_session` as removals that keep history, and ADK state deltas with their scopes.
struct FrameworkSessionTests {
    static let create = SessionCommand.createFrameworkSession(
        CreateFrameworkSession(
            sessionID: sid, namespace: "default", appName: "weather", userID: "u-1",
            state: ["k": .string("v"), "app:mode": .string("fast"), "user:name": .string("Ada"), "temp:x": .bool(true)]))

    static func item(_ id: MessageID, role: MessageRole = .user, _ body: JSONValue) -> SessionCommand {
        .appendMessage(AppendMessage(sessionID: sid, messageID: id, role: role, item: body))
    }

    static let userItem: JSONValue = .object(["role": .string("user"), "content": .string("hi")])
    static let callItem: JSONValue = .object([
        "type": .string("function_call"), "call_id": .string("call_1"), "name": .string("weather"),
        "arguments": .string(#"{"city":"Paris"}"#),
    ])

    @Test func createRecordsTheSessionThenItsStoredStateWithoutTempKeys() throws {
        var given = Given()
        let ids = IDSequence()
        let events = try given.run(Self.create, at: t0, ids: ids)
        #expect(events.count == 2)
        guard case .created(let created) = events[0], case .stateUpdated(let updated) = events[1] else {
            Issue.record("expected created, state.updated; got \(events)")
            return
        }
        #expect(created.appName == "weather" && created.userID == "u-1" && created.origin == .native)
        #expect(updated.delta == ["k": .string("v"), "app:mode": .string("fast"), "user:name": .string("Ada")])
        // The fold keeps only the session's own keys; shared ones live in the projections.
        #expect(given.state.state == ["k": .string("v")])
        #expect(given.state.appName == "weather")
    }

    @Test func createWithAnExistingIDIsAConflict() throws {
        var given = Given()
        try given.run(Self.create, at: t0, ids: IDSequence())
        expectError(.conflict(field: "sessionId", message: "Session with ID '\(sid)' already exists")) { () throws(SessionError) in
            _ = try Session.decide(Self.create, state: given.state, context: IDSequence().context(now: t0))
        }
    }

    @Test func aUserItemNeedsNoTextAndIsStoredWhole() throws {
        var given = Given()
        let ids = IDSequence()
        try given.run(Self.create, at: t0, ids: ids)
        try given.run(Self.item("i1", Self.userItem), at: at(1), ids: ids)
        #expect(given.state.message("i1")?.appended.item == Self.userItem)
        #expect(given.state.counters.userMessageCount == 1)
    }

    @Test func popRemovesTheLastLiveItemAndKeepsItInHistory() throws {
        var given = Given()
        let ids = IDSequence()
        try given.run(Self.create, at: t0, ids: ids)
        try given.run(Self.item("i1", Self.userItem), at: at(1), ids: ids)
        try given.run(Self.item("i2", role: .assistant, Self.callItem), at: at(2), ids: ids)
        let popped = try given.run(.removeMessages(RemoveMessages(sessionID: sid, removal: .pop)), at: at(3), ids: ids)
        #expect(popped == [.messagesRemoved(MessagesRemoved(removedMessageIDs: ["i2"], reason: .pop))])
        #expect(given.state.liveMessages.map(\.id) == ["i1"])
        #expect(given.state.message("i2")?.isRemoved == true)
        let again = try given.run(.removeMessages(RemoveMessages(sessionID: sid, removal: .pop)), at: at(4), ids: ids)
        #expect(again == [.messagesRemoved(MessagesRemoved(removedMessageIDs: ["i1"], reason: .pop))])
        let empty = try given.run(.removeMessages(RemoveMessages(sessionID: sid, removal: .pop)), at: at(5), ids: ids)
        #expect(empty.isEmpty)
        #expect(given.state.transcript.count == 2)
    }

    @Test func clearRemovesEveryLiveMessageButNotTheUsage() throws {
        var given = Given()
        let ids = IDSequence()
        try given.run(Self.create, at: t0, ids: ids)
        try given.run(Self.item("i1", Self.userItem), at: at(1), ids: ids)
        try given.run(
            .appendMessage(
                AppendMessage(
                    sessionID: sid, messageID: "i2", role: .assistant, inputTokens: 10, outputTokens: 5,
                    toolCalls: [ToolCall(id: "i2.0", name: "weather", input: "{}")], item: Self.callItem)),
            at: at(2), ids: ids)
        let cleared = try given.run(.removeMessages(RemoveMessages(sessionID: sid, removal: .clear)), at: at(3), ids: ids)
        #expect(cleared == [.messagesRemoved(MessagesRemoved(removedMessageIDs: ["i1", "i2"], reason: .clear))])
        #expect(given.state.liveMessages.isEmpty)
        #expect(given.state.counters.promptTokens == 10 && given.state.counters.completionTokens == 5)
        #expect(given.state.counters.totalToolCalls == 1)
        let again = try given.run(.removeMessages(RemoveMessages(sessionID: sid, removal: .clear)), at: at(4), ids: ids)
        #expect(again.isEmpty)
    }

    @Test func stateDeltasDropTempKeysAndReplaceValues() throws {
        var given = Given()
        let ids = IDSequence()
        try given.run(Self.create, at: t0, ids: ids)
        let events = try given.run(
            .updateState(UpdateState(sessionID: sid, delta: ["k": .number(2), "temp:y": .null])), at: at(1), ids: ids)
        #expect(events == [.stateUpdated(StateUpdated(delta: ["k": .number(2)]))])
        #expect(given.state.state == ["k": .number(2)])
        let onlyTemp = try given.run(.updateState(UpdateState(sessionID: sid, delta: ["temp:z": .bool(true)])), at: at(2), ids: ids)
        #expect(onlyTemp.isEmpty)
    }

    @Test func sharedKeysNeedTheSessionsAppAndUser() throws {
        var given = Given([mixCreated])
        expectError(invalid("delta.app:mode", "app: keys need a session created with an appName")) { () throws(SessionError) in
            _ = try Session.decide(
                .updateState(UpdateState(sessionID: sid, delta: ["app:mode": .string("x")])), state: given.state,
                context: IDSequence().context(now: t0))
        }
        given = Given()
        try given.run(
            .createFrameworkSession(CreateFrameworkSession(sessionID: sid, namespace: "default", appName: "a")), at: t0,
            ids: IDSequence())
        expectError(invalid("delta.user:name", "user: keys need a session created with an appName and a userId")) { () throws(SessionError) in
            _ = try Session.decide(
                .updateState(UpdateState(sessionID: sid, delta: ["user:name": .string("x")])), state: given.state,
                context: IDSequence().context(now: t0))
        }
    }

    @Test(arguments: [("app:a", StateScope.app), ("user:a", .user), ("temp:a", .temp), ("a", .session), ("apps", .session)])
    func keysAreScopedByPrefix(_ key: String, _ scope: StateScope) {
        #expect(StateScope(key: key) == scope)
    }

    static func rewindBefore(_ id: MessageID) -> SessionCommand {
        .rewindBeforeMessage(RewindBeforeMessage(sessionID: sid, messageID: id))
    }

    @Test func aRewindBeforeAMessageKeepsTheLastLiveOneBeforeIt() throws {
        var given = Given()
        let ids = IDSequence()
        try given.run(Self.create, at: t0, ids: ids)
        for (n, id) in ["i1", "i2", "i3", "r1"].enumerated() {
            try given.run(Self.item(MessageID(rawValue: id)!, Self.userItem), at: at(Double(n + 1)), ids: ids)
        }
        let rewound = try given.run(Self.rewindBefore("i2"), at: at(6), ids: ids)
        #expect(rewound == [.rewound(SessionRewound(toMessageID: "i1", removedMessageIDs: ["i2", "i3", "r1"], cleanupMedia: false))])
        #expect(given.state.liveMessages.map(\.id) == ["i1"])
        #expect(given.state.transcript.count == 4)
        // Rewinding into a part already rewound keeps the same last live message, removing only what is live.
        try given.run(Self.item("i4", Self.userItem), at: at(7), ids: ids)
        let again = try given.run(Self.rewindBefore("i3"), at: at(8), ids: ids)
        #expect(again == [.rewound(SessionRewound(toMessageID: "i1", removedMessageIDs: ["i4"], cleanupMedia: false))])
    }

    @Test func aRewindBeforeTheFirstLiveMessageClearsAndUnknownIDsAreNotFound() throws {
        var given = Given()
        let ids = IDSequence()
        try given.run(Self.create, at: t0, ids: ids)
        try given.run(Self.item("i1", Self.userItem), at: at(1), ids: ids)
        try given.run(Self.item("i2", Self.userItem), at: at(2), ids: ids)
        expectError(.messageNotFound("nope")) { () throws(SessionError) in
            _ = try Session.decide(Self.rewindBefore("nope"), state: given.state, context: ids.context(now: at(3)))
        }
        let cleared = try given.run(Self.rewindBefore("i1"), at: at(3), ids: ids)
        #expect(cleared == [.messagesRemoved(MessagesRemoved(removedMessageIDs: ["i1", "i2"], reason: .clear))])
        let nothing = try given.run(Self.rewindBefore("i2"), at: at(4), ids: ids)
        #expect(nothing.isEmpty)
    }
}
