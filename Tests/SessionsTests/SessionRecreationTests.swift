import Foundation
import Sessions
import Testing

/// A deleted session's id created again (decision 0177): a new incarnation of the same stream at the next version,
/// holding nothing of the deleted one; refused while a session of the id lives, when another namespace deleted it,
/// and to a fork.
struct SessionRecreationTests {
    /// A Mix session with messages, a tool call, a file, memory and a run in progress, archived, then deleted.
    static let deletedHistory: [SessionEvent] = [
        mixCreated, userMessage("m1", "secret"),
        assistantMessage("m2", calls: [ToolCall(id: "c1", name: "Bash", input: "{}")], finish: .toolUse),
        .fileAdded(FileAdded(fileID: "f1", name: "a.png")),
        .userMemoryUpdated(UserMemoryUpdated(userMemory: ["k": .string("v")])),
        .processingStarted(ProcessingStarted()),
        .archived(SessionArchived()),
        .deleted(SessionDeleted(sessionID: sid, namespace: "default")),
    ]

    /// A create of every kind, in the deleted session's namespace.
    static let creates: [SessionCommand] = [
        .create(CreateSession(sessionID: sid, namespace: "default", title: "Again", browserMode: "local-browser-service")),
        .createAgentSession(CreateAgentSession(sessionID: sid, namespace: "default", agentConfig: AgentConfigInput())),
        .createSubagentSession(
            CreateSubagentSession(sessionID: sid, namespace: "default", title: "Callback: Bash", parentSessionID: "s-parent")),
        .createFrameworkSession(
            CreateFrameworkSession(
                sessionID: sid, namespace: "default", appName: "weather", userID: "u-1", state: ["k": .string("new")])),
    ]

    static let conflict = SessionError.conflict(field: "sessionId", message: "Session with ID 's-1' already exists")

    @Test(arguments: creates)
    func aDeletedSessionsIDIsCreatedAgainFromNothing(_ create: SessionCommand) throws {
        var given = Given(Self.deletedHistory)
        let tombstone = given.state.version
        let events = try given.run(create, at: at(100), ids: IDSequence())
        guard case .created(let created)? = events.first else {
            Issue.record("expected session.created first; got \(events)")
            return
        }
        #expect(created.sessionID == sid && created.namespace == "default")
        // Exactly what the same events fold to on a stream that never had any, but for the versions: they go on.
        var fresh = SessionState.initial
        for (offset, event) in events.enumerated() {
            fresh.apply(event, version: tombstone + 1 + UInt64(offset), recordedAt: at(100))
        }
        #expect(given.state == fresh)
        let state = given.state
        #expect(state.exists && !state.isDeleted && state.deletedAt == nil)
        #expect(state.version == tombstone + UInt64(events.count))
        #expect(state.transcript.isEmpty && state.messageFacts.isEmpty && state.files.isEmpty)
        #expect(state.counters == SessionCounters() && state.firstUserMessage == nil)
        #expect(!state.isProcessing && state.archivedAt == nil && state.createdAt == at(100))
        #expect(!state.hasToolCall("c1") && state.messageFacts("m1") == nil)
        // The new session's messages may use the deleted one's ids.
        try given.run(
            .sendUserMessage(SendUserMessage(sessionID: sid, messageID: "m1", text: "hello again")), at: at(101),
            ids: IDSequence())
        #expect(given.state.counters.userMessageCount == 1)
        // It lives: another create is refused, as for any session.
        expectError(Self.conflict) { () throws(SessionError) in
            _ = try Session.decide(create, state: given.state, context: IDSequence().context(now: at(102)))
        }
    }

    @Test func aTombstoneOfAnotherNamespaceKeepsItsID() {
        let state = Given(Self.deletedHistory).state
        let create = SessionCommand.create(
            CreateSession(sessionID: sid, namespace: "other", title: "Taken", browserMode: "local-browser-service"))
        expectError(Self.conflict) { () throws(SessionError) in
            _ = try Session.decide(create, state: state, context: fixedContext(now: at(100)))
        }
    }

    @Test func aTombstoneLeftAloneByCompactionIsCreatedAgainInItsNamespace() throws {
        // Compaction erased the session's other records: the tombstone still names the namespace.
        var state = SessionState.initial
        state.apply(.erased(EventErased(erasedType: "session.created", erasedSchemaVersion: 1)), version: 1, recordedAt: t0)
        state.apply(.deleted(SessionDeleted(sessionID: sid, namespace: "default")), version: 2, recordedAt: at(1))
        let events = try Session.decide(Self.creates[0], state: state, context: fixedContext(now: at(2)))
        #expect(events.count == 1)
        state.apply(events[0], version: 3, recordedAt: at(2))
        #expect(state.exists && state.version == 3 && state.title == "Again")
        expectError(Self.conflict) { () throws(SessionError) in
            var other = SessionState.initial
            other.apply(.deleted(SessionDeleted(sessionID: sid, namespace: "default")), version: 1, recordedAt: t0)
            _ = try Session.decide(
                .create(CreateSession(sessionID: sid, namespace: "other", title: "x", browserMode: "local-browser-service")),
                state: other, context: fixedContext(now: at(2)))
        }
    }

    @Test func aForkDoesNotTakeADeletedSessionsID() {
        let source = Given([
            .created(SessionCreated(sessionID: "s-src", namespace: "default", origin: .mix, title: "Source"))
        ]).state
        let fork = SessionCommand.fork(
            ForkSession(sessionID: sid, source: source, origin: ForkOrigin(sessionID: "s-src", position: 1)))
        expectError(.validation(field: "sessionId", message: "session s-1 already exists")) { () throws(SessionError) in
            _ = try Session.decide(fork, state: Given(Self.deletedHistory).state, context: fixedContext(now: at(100)))
        }
    }
}
