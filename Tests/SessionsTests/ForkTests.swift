import Foundation
import Sessions
import Testing

/// The native fork: the new session starts with the source's live transcript at the point, its creation
/// names the source and position, and the source records a `session.forked` note.
struct ForkTests {
    static let forkID: SessionID = "s-fork"
    static let call = ToolCall(id: "c1", name: "Bash", input: "{\"command\":\"ls\"}")

    /// created, u1, a1 (calls c1), t1 (tool message) + result of c1, u2, a2; then a rewind to t1 removes u2, a2.
    static func source(rewound: Bool = false) -> Given {
        var given = Given([
            mixCreated, userMessage("u1", "list files"), assistantMessage("a1", calls: [call], finish: .toolUse),
            .messageAppended(MessageAppended(messageID: "t1", role: .tool, text: "")),
            .toolResultRecorded(ToolResultRecorded(toolCallID: "c1", messageID: "t1", result: "README.md")),
            userMessage("u2", "and now?"), assistantMessage("a2"),
        ])
        if rewound {
            given.apply(
                .rewound(SessionRewound(toMessageID: "t1", removedMessageIDs: ["u2", "a2"], cleanupMedia: false)),
                at: at(100))
        }
        return given
    }

    static func fork(_ source: SessionState, messageID: MessageID? = nil, title: String? = nil) -> SessionCommand {
        .fork(
            ForkSession(
                sessionID: forkID, source: source,
                origin: ForkOrigin(sessionID: sid, position: 77, messageID: messageID), title: title))
    }

    @Test func theForkStartsWithTheLiveTranscriptAndNamesItsOrigin() throws {
        let source = Self.source(rewound: true).state
        var fork = Given()
        let events = try fork.run(Self.fork(source), at: at(200), ids: IDSequence())
        guard case .created(let created) = events.first else {
            Issue.record("the first event is not session.created: \(events)")
            return
        }
        #expect(created.sessionID == Self.forkID)
        #expect(created.namespace == "default")
        #expect(created.title == "Fix the build")
        #expect(created.forkedFrom == ForkOrigin(sessionID: sid, position: 77))
        // The removed u2 and a2 are not copied; the tool result is.
        #expect(fork.state.liveMessages.map(\.id) == ["u1", "a1", "t1"])
        #expect(fork.state.toolCall("c1")?.result?.result == "README.md")
        #expect(fork.state.liveMessages.map(\.appended) == source.liveMessages.map(\.appended))
        #expect(fork.state.forkedFrom?.sessionID == sid)
    }

    /// A Mix rewind to a1 removes t1, the tool message that recorded c1's result, yet the source still shows the
    /// result on a1's call: so does the fork.
    @Test func aResultWhoseToolMessageWasRewoundAwayIsCopiedWithItsCall() throws {
        var given = Self.source()
        given.apply(
            .rewound(SessionRewound(toMessageID: "a1", removedMessageIDs: ["t1", "u2", "a2"], cleanupMedia: false)),
            at: at(100))
        let source = given.state
        #expect(source.toolCall("c1")?.result?.result == "README.md")
        var fork = Given()
        let events = try fork.run(Self.fork(source), at: at(200), ids: IDSequence())
        #expect(events.count == 1 + 2 + 1)
        #expect(fork.state.liveMessages.map(\.id) == ["u1", "a1"])
        #expect(fork.state.toolCall("c1")?.result == source.toolCall("c1")?.result)
        #expect(fork.state.liveMessages.map(\.toolCalls) == source.liveMessages.map(\.toolCalls))
    }

    /// The fork keeps the source's app and its own state keys as of the point; the shared `app:` and `user:`
    /// keys are the app's and user's, so the fork does not set them again.
    /// t1 records c1's result unfinished, t2 its finished result, and a rewind to t1 removes t2: the source shows
    /// the finished result on c1 and lists c1 among t1's results; so must the fork, whose t1 carries the result.
    @Test func aResultRecordedLaterByARemovedMessageIsCarriedByTheCopiedOne() throws {
        var given = Given([
            mixCreated, userMessage("u1", "list files"), assistantMessage("a1", calls: [Self.call], finish: .toolUse),
            .messageAppended(MessageAppended(messageID: "t1", role: .tool, text: "")),
            .toolResultRecorded(ToolResultRecorded(toolCallID: "c1", messageID: "t1", result: "READ", finished: false)),
            .messageAppended(MessageAppended(messageID: "t2", role: .tool, text: "")),
            .toolResultRecorded(ToolResultRecorded(toolCallID: "c1", messageID: "t2", result: "README.md")),
        ])
        given.apply(
            .rewound(SessionRewound(toMessageID: "t1", removedMessageIDs: ["t2"], cleanupMedia: false)), at: at(100))
        let source = given.state
        var fork = Given()
        _ = try fork.run(Self.fork(source), at: at(200), ids: IDSequence())
        #expect(fork.state.toolCall("c1")?.result?.result == "README.md")
        #expect(fork.state.liveMessages.last?.resultToolCallIDs == source.liveMessages.last?.resultToolCallIDs)
        #expect(fork.state.liveMessages.last?.resultToolCallIDs == ["c1"])
    }

    /// A Mixpeek session expires; its fork must too, counted from the fork (else a fork would escape the lifetime
    /// and `max_session_duration_minutes`).
    @Test func aForkOfASessionThatExpiresExpires() throws {
        var given = Given()
        _ = try given.run(
            .createAgentSession(
                CreateAgentSession(
                    sessionID: sid, namespace: "ns_test", agentConfig: AgentConfigInput(),
                    quotas: SessionQuotas(maxSessionDurationMinutes: 30))),
            at: at(0), ids: IDSequence())
        #expect(given.state.expiresAt == at(30 * 60))
        var fork = Given()
        _ = try fork.run(Self.fork(given.state), at: at(3600), ids: IDSequence())
        #expect(fork.state.expiresAt == at(3600 + 30 * 60))
        // A session that does not expire forks into one that does not.
        var plain = Given()
        _ = try plain.run(Self.fork(Self.source().state), at: at(3600), ids: IDSequence())
        #expect(plain.state.expiresAt == nil)
    }

    @Test func theForkKeepsTheAppAndTheSessionsOwnState() throws {
        let source = Given([
            .created(SessionCreated(sessionID: sid, namespace: "default", origin: .native, userID: "u", appName: "weather")),
            .stateUpdated(StateUpdated(delta: ["k": .string("v"), "app:theme": .string("dark"), "user:name": .string("Ada")])),
            userMessage("u1", "hi"),
        ]).state
        var fork = Given()
        let events = try fork.run(Self.fork(source), at: at(200), ids: IDSequence())
        try #require(events.count == 1 + 1 + 1)
        #expect(events[1] == .stateUpdated(StateUpdated(delta: ["k": .string("v")])))
        #expect(fork.state.appName == "weather" && fork.state.userID == "u")
        #expect(fork.state.state == source.state)
        #expect(fork.state.liveMessages.map(\.id) == ["u1"])
    }

    @Test func aTitleReplacesTheSourcesTitle() throws {
        var fork = Given()
        let events = try fork.run(Self.fork(Self.source().state, title: "Try B"), at: at(200), ids: IDSequence())
        #expect(events.count == 1 + 5 + 1)
        #expect(fork.state.title == "Try B")
    }

    @Test func aMissingOrRemovedMessageIsUnknown() {
        let rewound = Self.source(rewound: true).state
        expectError(.messageNotFound("a2")) { () throws(SessionError) in
            _ = try Session.decide(Self.fork(rewound, messageID: "a2"), state: .initial, context: IDSequence().context(now: at(1)))
        }
        expectError(.messageNotFound("nope")) { () throws(SessionError) in
            _ = try Session.decide(Self.fork(rewound, messageID: "nope"), state: .initial, context: IDSequence().context(now: at(1)))
        }
    }

    @Test func aMissingSourceIsNotFound() {
        expectError(.sessionNotFound(sid)) { () throws(SessionError) in
            _ = try Session.decide(Self.fork(.initial), state: .initial, context: IDSequence().context(now: at(1)))
        }
    }

    @Test func anExistingForkIDIsRejected() {
        let taken = Given([.created(SessionCreated(sessionID: Self.forkID, namespace: "default", origin: .mix))]).state
        expectError(.validation(field: "sessionId", message: "session s-fork already exists")) { () throws(SessionError) in
            _ = try Session.decide(Self.fork(Self.source().state), state: taken, context: IDSequence().context(now: at(1)))
        }
    }

    @Test func theSourceRecordsTheForkEvenWhenTerminated() throws {
        var source = Self.source()
        source.apply(.terminated(SessionTerminated()), at: at(50))
        let note = SessionForked(forkSessionID: Self.forkID, position: 77, messageCount: 4)
        let events = try source.run(.recordFork(RecordFork(sessionID: sid, fork: note)), at: at(60), ids: IDSequence())
        #expect(events == [.forked(note)])
        #expect(source.state.liveMessages.count == 5)
        expectError(.sessionNotFound("other")) { () throws(SessionError) in
            _ = try Session.decide(
                .recordFork(RecordFork(sessionID: "other", fork: note)), state: source.state,
                context: IDSequence().context(now: at(1)))
        }
    }
}
