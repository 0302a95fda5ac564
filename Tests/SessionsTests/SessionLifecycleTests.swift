import Foundation
import Sessions
import Testing

/// Which commands a missing, deleted, archived or terminated session accepts.
struct SessionLifecycleTests {
    /// One command of every kind that names an existing session.
    static let commandsOnASession: [SessionCommand] = [
        .rename(RenameSession(sessionID: sid, title: "t")),
        .appendMessage(AppendMessage(sessionID: sid, role: .assistant)),
        .sendUserMessage(SendUserMessage(sessionID: sid, text: "hi")),
        .sendAgentMessage(SendAgentMessage(sessionID: sid, content: "hi")),
        .recordToolResult(RecordToolResult(sessionID: sid, toolCallID: "c1", result: "r")),
        .recordCallbackResult(
            RecordCallbackResult(
                sessionID: sid,
                toolCallID: "c1",
                toolName: "Bash",
                callbackType: .bashScript,
                success: true
            )
        ),
        .replaceCallbacks(ReplaceCallbacks(sessionID: sid, callbacks: [])),
        .updateUserMemory(UpdateUserMemory(sessionID: sid, userMemory: [:])),
        .rewind(RewindSession(sessionID: sid, messageID: "m1")),
        .cancelProcessing(CancelProcessing(sessionID: sid)),
        .finishProcessing(FinishProcessing(sessionID: sid)),
        .archive(ArchiveSession(sessionID: sid)),
        .terminate(TerminateSession(sessionID: sid)),
        .addFile(AddFile(sessionID: sid, name: "a")),
        .removeFile(RemoveFile(sessionID: sid, fileID: "f1")),
        .delete(DeleteSession(sessionID: sid)),
    ]

    static let deleted: [SessionEvent] = [mixCreated, .deleted(SessionDeleted(sessionID: sid, namespace: "default"))]
    static let otherSession: [SessionEvent] = [
        .created(SessionCreated(sessionID: "s-other", namespace: "default", origin: .mix, title: "other"))
    ]

    @Test(arguments: commandsOnASession)
    func everyCommandOnAMissingSessionIsNotFound(_ command: SessionCommand) {
        for history in [[], Self.deleted, Self.otherSession] {
            expectError(.sessionNotFound(sid)) { () throws(SessionError) in
                _ = try Session.decide(command, state: Given(history).state, context: IDSequence().context())
            }
        }
    }

    /// Commands that change content; an archived or terminated session refuses them.
    static let writes: [SessionCommand] = [
        .rename(RenameSession(sessionID: sid, title: "t")),
        .appendMessage(AppendMessage(sessionID: sid, role: .assistant)),
        .sendUserMessage(SendUserMessage(sessionID: sid, text: "hi")),
        .sendAgentMessage(SendAgentMessage(sessionID: sid, content: "hi")),
        .replaceCallbacks(ReplaceCallbacks(sessionID: sid, callbacks: [])),
        .updateUserMemory(UpdateUserMemory(sessionID: sid, userMemory: [:])),
        .rewind(RewindSession(sessionID: sid, messageID: "m1")),
        .addFile(AddFile(sessionID: sid, name: "a")),
    ]

    @Test(arguments: writes)
    func archivedAndTerminatedSessionsRefuseWrites(_ command: SessionCommand) {
        let archived = SessionError.invalidState(
            status: .archived,
            message: "invalid state transition: session is archived (read-only)"
        )
        let terminated = SessionError.invalidState(
            status: .terminated,
            message: "invalid state transition: session is terminated"
        )
        let cases: [([SessionEvent], Date, SessionError)] = [
            ([mixCreated, userMessage("m1", "a"), .archived(SessionArchived())], at(10), archived),
            ([mixpeekCreated(expiresAt: at(100)), userMessage("m1", "a")], at(100), archived),
            ([mixCreated, userMessage("m1", "a"), .terminated(SessionTerminated())], at(10), terminated),
            (
                [mixCreated, userMessage("m1", "a"), .archived(SessionArchived()), .terminated(SessionTerminated())],
                at(10), terminated
            ),
        ]
        for (history, now, expected) in cases {
            expectError(expected) { () throws(SessionError) in
                _ = try Session.decide(command, state: Given(history).state, context: IDSequence().context(now: now))
            }
        }
    }

    @Test func anExpiringSessionAcceptsWritesUntilItsExpiry() throws {
        let state = Given([mixpeekCreated(expiresAt: at(100))]).state
        let events = try Session.decide(
            .sendAgentMessage(SendAgentMessage(sessionID: sid, messageID: "m1", content: "hi")),
            state: state,
            context: fixedContext(now: at(99.999))
        )
        #expect(events.count == 2)
    }

    @Test func archiveIsIdempotentAndRefusedWhenTerminated() throws {
        var given = Given([mixCreated])
        let ids = IDSequence()
        let archive = SessionCommand.archive(ArchiveSession(sessionID: sid, reason: "retention"))
        #expect(try given.run(archive, at: at(1), ids: ids) == [.archived(SessionArchived(reason: "retention"))])
        #expect(try given.run(archive, at: at(2), ids: ids).isEmpty)
        #expect(given.state.archivedAt == at(1))
        try given.run(.terminate(TerminateSession(sessionID: sid)), at: at(3), ids: ids)
        expectError(.invalidState(status: .terminated, message: "invalid state transition: session is terminated")) {
            () throws(SessionError) in
            _ = try Session.decide(archive, state: given.state, context: fixedContext())
        }
    }

    @Test func deleteLeavesOnlyTheTombstone() throws {
        var given = Given([
            mixCreated, userMessage("m1", "secret"), .fileAdded(FileAdded(fileID: "f1", name: "a.png")),
            .userMemoryUpdated(UserMemoryUpdated(userMemory: ["k": .string("v")])),
        ])
        let events = try given.run(.delete(DeleteSession(sessionID: sid)), at: at(50), ids: IDSequence())
        #expect(events == [.deleted(SessionDeleted(sessionID: sid, namespace: "default"))])
        let state = given.state
        #expect(state.isDeleted && !state.exists)
        #expect(state.id == sid && state.namespace == "default" && state.version == 5)
        #expect(state.createdAt == t0 && state.deletedAt == at(50))
        #expect(state.transcript.isEmpty && state.files.isEmpty && state.userMemory == nil && state.title == nil)
        #expect(state.counters == SessionCounters())
    }

    @Test func aTombstoneAloneFoldsAfterCompaction() {
        // Compaction erases the session's other bodies; replaying the tombstone alone still names the session.
        var state = SessionState.initial
        state.apply(.deleted(SessionDeleted(sessionID: sid, namespace: "ns")), version: 9, recordedAt: at(9))
        #expect(state.id == sid && state.isDeleted && state.version == 9)
    }

    @Test func theCommandNamesItsSession() {
        #expect(Self.commandsOnASession.allSatisfy { $0.sessionID == sid })
    }
}
