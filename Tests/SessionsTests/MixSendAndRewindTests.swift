import Foundation
import Sessions
import Testing

/// Mix `POST …/messages`, `POST …/rewind` and `POST …/cancel` (mix-api.md §2.7–2.9, decisions (b), (c), (d),
/// (j)).
struct MixSendAndRewindTests {
    static func send(_ text: String?, thinking: String? = nil) -> SessionCommand {
        .sendUserMessage(SendUserMessage(sessionID: sid, messageID: "m-new", text: text, thinkingLevel: thinking))
    }

    static func rewind(_ id: MessageID?, cleanup: Bool = false) -> SessionCommand {
        .rewind(RewindSession(sessionID: sid, messageID: id, cleanupMedia: cleanup))
    }

    /// created, m1 user, m2 assistant, m3 user, m4 assistant.
    static let conversation: [SessionEvent] = [
        mixCreated, userMessage("m1", "first"), assistantMessage("m2"), userMessage("m3", "second"),
        assistantMessage("m4"),
    ]

    static let sendRules: [DecisionRule] = [
        DecisionRule("text missing", send(nil), invalid("content", "message content is required")),
        DecisionRule("text empty", send(""), invalid("content", "message content is required")),
        DecisionRule(
            "unknown thinking_level",
            send("hi", thinking: "extreme"),
            invalid("thinking_level", "must be one of: off, basic, medium, maximum")
        ),
        DecisionRule(
            "text before thinking_level",
            send("", thinking: "extreme"),
            invalid("content", "message content is required")
        ),
        DecisionRule(
            "text is validated before the session is looked up",
            given: [],
            send(""),
            invalid("content", "message content is required")
        ),
        DecisionRule(
            "thinking_level is validated before the session is looked up",
            given: [],
            send("hi", thinking: "x"),
            invalid("thinking_level", "must be one of: off, basic, medium, maximum")
        ),
        DecisionRule("unknown session is a 404", given: [], send("hi"), .sessionNotFound(sid)),
        DecisionRule(
            "deleted session is a 404",
            given: [mixCreated, .deleted(SessionDeleted(sessionID: sid, namespace: "default"))],
            send("hi"),
            .sessionNotFound(sid)
        ),
        DecisionRule(
            "an existing message id conflicts",
            given: [mixCreated, userMessage("m-new", "x")],
            send("hi"),
            .conflict(field: "messageId", message: "Message with ID 'm-new' already exists")
        ),
    ]

    @Test(arguments: sendRules)
    func rejectsInvalidSend(_ rule: DecisionRule) { rule.check() }

    @Test(arguments: [nil, "off", "basic", "medium", "maximum"] as [String?])
    func sendRecordsTheUserMessageAndStartsProcessing(thinking: String?) throws {
        let command = SessionCommand.sendUserMessage(
            SendUserMessage(
                sessionID: sid,
                messageID: "m1",
                text: "Build it",
                planMode: true,
                thinkingLevel: thinking,
                maxSteps: 5
            )
        )
        let events = try Session.decide(command, state: Given([mixCreated]).state, context: fixedContext())
        #expect(
            events == [
                .messageAppended(MessageAppended(messageID: "m1", role: .user, text: "Build it")),
                .processingStarted(
                    ProcessingStarted(
                        messageID: "m1",
                        planMode: true,
                        thinkingLevel: thinking.flatMap(ThinkingLevel.init(rawValue:)),
                        maxSteps: 5
                    )
                ),
            ]
        )
    }

    static let rewindRules: [DecisionRule] = [
        DecisionRule(
            "messageId missing",
            given: conversation,
            rewind(nil),
            invalid("messageId", "message ID is required")
        ),
        DecisionRule(
            "messageId is validated before the session is looked up",
            given: [],
            rewind(nil),
            invalid("messageId", "message ID is required")
        ),
        DecisionRule("unknown session", given: [], rewind("m1"), .sessionNotFound(sid)),
        DecisionRule("unknown message", given: conversation, rewind("m9"), .messageNotFound("m9")),
        DecisionRule(
            "a removed message is unknown",
            given: conversation + [
                .rewound(SessionRewound(toMessageID: "m2", removedMessageIDs: ["m3", "m4"], cleanupMedia: false))
            ],
            rewind("m3"),
            .messageNotFound("m3")
        ),
    ]

    @Test(arguments: rewindRules)
    func rejectsInvalidRewind(_ rule: DecisionRule) { rule.check() }

    @Test func rewindRemovesEveryLaterLiveMessageAndKeepsThemInTheTranscript() throws {
        var given = Given(Self.conversation)
        let events = try given.run(Self.rewind("m2"), at: at(100), ids: IDSequence())
        #expect(
            events == [
                .rewound(SessionRewound(toMessageID: "m2", removedMessageIDs: ["m3", "m4"], cleanupMedia: false))
            ]
        )
        let state = given.state
        #expect(state.transcript.map(\.id) == ["m1", "m2", "m3", "m4"])
        #expect(state.transcript.map(\.isRemoved) == [false, false, true, true])
        #expect(state.message("m3")?.removedVersion == 6)
        #expect(state.liveMessages.map(\.id) == ["m1", "m2"])
        #expect(state.counters.userMessageCount == 1)
        #expect(state.counters.assistantMessageCount == 1)
    }

    @Test func rewindToTheLastMessageRemovesNothing() throws {
        let events = try Session.decide(
            Self.rewind("m4"),
            state: Given(Self.conversation).state,
            context: fixedContext()
        )
        #expect(events == [.rewound(SessionRewound(toMessageID: "m4", removedMessageIDs: [], cleanupMedia: false))])
    }

    @Test func cleanupMediaRemovesFilesAddedAfterTheFirstRemovedMessage() throws {
        // Times: created t0, m1 t0+1, f-early t0+2, m2 t0+3, f-same t0+4 … m3 t0+5, f-late t0+6.
        let given = Given([
            mixCreated, userMessage("m1", "first"), .fileAdded(FileAdded(fileID: "f-early", name: "a.png")),
            assistantMessage("m2"), .fileAdded(FileAdded(fileID: "f-between", name: "b.png")),
            userMessage("m3", "second"), .fileAdded(FileAdded(fileID: "f-late", name: "c.png")),
        ])
        let events = try Session.decide(Self.rewind("m2", cleanup: true), state: given.state, context: fixedContext())
        // The cut-off is m3's time (t0+5): only f-late (t0+6) is strictly later.
        #expect(
            events == [
                .rewound(SessionRewound(toMessageID: "m2", removedMessageIDs: ["m3"], cleanupMedia: true)),
                .fileRemoved(FileRemoved(fileID: "f-late", reason: .rewindCleanup)),
            ]
        )
        let nothingRemoved = try Session.decide(
            Self.rewind("m3", cleanup: true),
            state: given.state,
            context: fixedContext()
        )
        // Nothing removed: the cut-off is the kept message m3 (t0+5), so f-late still goes.
        #expect(nothingRemoved.count == 2)
    }

    @Test func cancelWhileProcessingCancelsAndOtherwiseAppendsNothing() throws {
        var given = Given([mixCreated])
        let ids = IDSequence()
        let cancel = SessionCommand.cancelProcessing(CancelProcessing(sessionID: sid))
        #expect(try given.run(cancel, at: at(1), ids: ids).isEmpty)
        try given.run(Self.send("hi"), at: at(2), ids: ids)
        #expect(given.state.isProcessing)
        #expect(
            try given.run(cancel, at: at(3), ids: ids) == [
                .processingCancelled(ProcessingCancelled(reason: "user_api_cancellation"))
            ]
        )
        #expect(!given.state.isProcessing)
    }

    @Test func cancelOfAnUnknownSessionIsA404() {
        expectError(.sessionNotFound(sid)) { () throws(SessionError) in
            _ = try Session.decide(
                .cancelProcessing(CancelProcessing(sessionID: sid)),
                state: .initial,
                context: fixedContext()
            )
        }
    }
}
