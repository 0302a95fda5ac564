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
        // The same messages, each marked as copied from the source.
        let copies = source.liveMessages.map { (message: TranscriptMessage) -> MessageAppended in
            var copy = message.appended
            copy.copiedFrom = sid
            return copy
        }
        #expect(fork.state.liveMessages.map(\.appended) == copies)
        #expect(fork.state.liveMessages.allSatisfy { $0.appended.copiedFrom == sid })
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

    // MARK: Copies and the quotas

    /// A Mixpeek source limited to `limit` user messages a minute, holding `limit` user messages, each answered:
    /// created at `t0`, then u1 at +1 s, a1 at +2 s, u2 at +3 s …
    static func rateLimitedSource(limit: Int) -> Given {
        var events = [mixpeekCreated(quotas: SessionQuotas(rateLimitMessagesPerMinute: limit))]
        for n in 1...limit {
            events.append(userMessage(MessageID(rawValue: "u\(n)")!, "question \(n)"))
            events.append(assistantMessage(MessageID(rawValue: "a\(n)")!))
        }
        return Given(events)
    }

    /// A Mixpeek send of a user message to `session` (the fork by default).
    static func send(_ id: MessageID, to session: SessionID = ForkTests.forkID) -> SessionCommand {
        .sendAgentMessage(SendAgentMessage(sessionID: session, messageID: id, content: "next"))
    }

    static let rateLimitReached = SessionError.quotaExceeded(
        quota: "rate_limit_messages_per_minute", message: "Rate limit of 3 messages per minute reached")

    /// The fork records the source's 3 user messages again at the fork's time, but nobody sent them then: the
    /// fork's first real message is not refused by a limit of 3 a minute. The copies still count as the fork's
    /// messages.
    @Test func aForkTakesItsFirstMessageThoughItCopiedAsManyUserMessagesAsTheRateLimit() throws {
        let source = Self.rateLimitedSource(limit: 3).state
        var fork = Given()
        let events = try fork.run(Self.fork(source), at: at(600), ids: IDSequence())
        var copies: [MessageAppended] = []
        for case .messageAppended(let message) in events { copies.append(message) }
        #expect(copies.map(\.messageID) == ["u1", "a1", "u2", "a2", "u3", "a3"])
        #expect(copies.allSatisfy { $0.copiedFrom == sid })
        #expect(fork.state.messageFacts.allSatisfy { $0.isCopy })
        #expect(fork.state.messageFacts.allSatisfy { $0.appendedAt == at(600) })
        #expect(fork.state.counters.userMessageCount == 3)
        #expect(fork.state.counters.totalMessages == source.counters.totalMessages)

        let sent = try fork.run(Self.send("f1"), at: at(601), ids: IDSequence())
        #expect(sent.count == 2)
        #expect(fork.state.messageFacts("f1")?.isCopy == false)
        #expect(fork.state.counters.userMessageCount == 4)
    }

    /// Forking reads the source: its own messages still count for its rate limit, before and after the fork's
    /// note, and leave the window a minute after they were sent.
    @Test func theSourcesRateLimitIsUnchangedByAFork() throws {
        var source = Self.rateLimitedSource(limit: 3)
        expectError(Self.rateLimitReached) { () throws(SessionError) in
            _ = try Session.decide(
                Self.send("u4", to: sid), state: source.state, context: IDSequence().context(now: at(10)))
        }
        var fork = Given()
        try fork.run(Self.fork(source.state), at: at(10), ids: IDSequence())
        let note = SessionForked(forkSessionID: Self.forkID, position: 77, messageCount: 6)
        try source.run(.recordFork(RecordFork(sessionID: sid, fork: note)), at: at(10), ids: IDSequence())
        #expect(!source.state.messageFacts.contains { $0.isCopy })
        expectError(Self.rateLimitReached) { () throws(SessionError) in
            _ = try Session.decide(
                Self.send("u4", to: sid), state: source.state, context: IDSequence().context(now: at(20)))
        }
        // u3 was sent at +5 s: at +65.5 s the window holds none of the source's messages.
        let sent = try source.run(Self.send("u4", to: sid), at: at(65.5), ids: IDSequence())
        #expect(sent.count == 2)
        // The fork, meanwhile, takes a message at +20 s.
        let toFork = try fork.run(Self.send("f1"), at: at(20), ids: IDSequence())
        #expect(toFork.count == 2)
    }

    /// Messages really sent to the fork count: with a limit of 3, the fourth within the minute is refused, and
    /// accepted once the first has left the window.
    @Test func messagesSentToAForkMeetTheRateLimitAtItsCount() throws {
        let source = Self.rateLimitedSource(limit: 3).state
        var fork = Given()
        try fork.run(Self.fork(source), at: at(600), ids: IDSequence())
        for (n, id) in (["f1", "f2", "f3"] as [MessageID]).enumerated() {
            let sent = try fork.run(Self.send(id), at: at(601 + Double(n)), ids: IDSequence())
            #expect(sent.count == 2)
        }
        expectError(Self.rateLimitReached) { () throws(SessionError) in
            _ = try Session.decide(Self.send("f4"), state: fork.state, context: IDSequence().context(now: at(630)))
        }
        // At +661.5 s f1 (+601 s) has left the window; f2 and f3 remain. With f4 the window is full again.
        let fourth = try fork.run(Self.send("f4"), at: at(661.5), ids: IDSequence())
        #expect(fourth.count == 2)
        expectError(Self.rateLimitReached) { () throws(SessionError) in
            _ = try Session.decide(Self.send("f5"), state: fork.state, context: IDSequence().context(now: at(661.75)))
        }
    }

    /// Copies still count where they counted before: towards `max_messages` (the Mixpeek stats count them).
    @Test func copiesStillCountTowardsMaxMessages() throws {
        let source = Given([
            mixpeekCreated(quotas: SessionQuotas(maxMessages: 2)), userMessage("u1", "a"), assistantMessage("a1"),
        ]).state
        var fork = Given()
        try fork.run(Self.fork(source), at: at(600), ids: IDSequence())
        #expect(fork.state.counters.totalMessages == 2)
        expectError(.quotaExceeded(quota: "max_messages", message: "Session quota max_messages (2) reached")) {
            () throws(SessionError) in
            _ = try Session.decide(Self.send("f1"), state: fork.state, context: IDSequence().context(now: at(601)))
        }
    }
}
