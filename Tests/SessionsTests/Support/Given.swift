import Foundation
import Sessions
import Synchronization
import Testing

/// Builds states from events, and runs commands against them, the way the writer does:
/// decide, then fold each event at the next version.
struct Given {
    /// The state so far.
    private(set) var state = SessionState.initial
    /// The same events folded without the messages' contents, as the writer caches states (decision 0156):
    /// ``run(_:at:ids:)`` checks that every command is decided exactly the same on it.
    private(set) var withoutContent = SessionState.initialWithoutContent
    /// Every event so far, in order.
    private(set) var events: [SessionEvent] = []
    /// The time each event was recorded at, parallel to ``events``.
    private(set) var times: [Date] = []

    /// A state folded from `events`, one second apart from `t0`.
    init(_ events: [SessionEvent] = []) {
        for (offset, event) in events.enumerated() {
            apply(event, at: at(Double(offset)))
        }
    }

    /// Folds one event at the next version.
    mutating func apply(_ event: SessionEvent, at date: Date) {
        events.append(event)
        times.append(date)
        state.apply(event, version: state.version + 1, recordedAt: date)
        withoutContent.apply(event, version: withoutContent.version + 1, recordedAt: date)
    }

    /// Decides `command` at `now` and folds the resulting events (all recorded at `now`).
    @discardableResult
    mutating func run(_ command: SessionCommand, at now: Date, ids: IDSequence) throws(SessionError) -> [SessionEvent] {
        func decide(
            on state: SessionState, makeID: @escaping @Sendable () -> String
        ) -> Result<[SessionEvent], SessionError> {
            Result { () throws(SessionError) in
                try Session.decide(command, state: state, context: DecisionContext(now: now, makeID: makeID))
            }
        }
        let drawn = Mutex<[String]>([])
        let context = ids.context(now: now)
        let full = decide(on: state) {
            let id = context.makeID()
            drawn.withLock { $0.append(id) }
            return id
        }
        // The same ids again, in the same order.
        let replayed = Mutex(0)
        let lean = decide(on: withoutContent) {
            let index = replayed.withLock { index in
                defer { index += 1 }
                return index
            }
            return drawn.withLock { $0[index] }
        }
        #expect(lean == full, "decided differently without the messages' contents")
        let decided = try full.get()
        for event in decided { apply(event, at: now) }
        return decided
    }
}

/// The session id the fixtures use.
let sid: SessionID = "s-1"

/// A Mix session created at `t0` (version 1).
let mixCreated = SessionEvent.created(
    SessionCreated(sessionID: sid, namespace: "default", origin: .mix, title: "Fix the build")
)

/// A Mixpeek session created at `t0` expiring 7 days later, with optional quotas.
func mixpeekCreated(quotas: SessionQuotas? = nil, expiresAt: Date = at(7 * 86_400)) -> SessionEvent {
    .created(
        SessionCreated(
            sessionID: sid,
            namespace: "ns_test",
            origin: .mixpeek,
            customSystemPrompt: AgentConfig.defaultSystemPrompt,
            agentConfig: AgentConfig(),
            quotas: quotas,
            expiresAt: expiresAt
        )
    )
}

/// A user message event.
func userMessage(_ id: MessageID, _ text: String) -> SessionEvent {
    .messageAppended(MessageAppended(messageID: id, role: .user, text: text))
}

/// An assistant message event making the given tool calls.
func assistantMessage(_ id: MessageID, calls: [ToolCall] = [], finish: FinishReason = .endTurn) -> SessionEvent {
    .messageAppended(
        MessageAppended(messageID: id, role: .assistant, text: "ok", finishReason: finish, toolCalls: calls)
    )
}

/// Expects `body` to throw exactly `expected`.
func expectError(
    _ expected: SessionError,
    sourceLocation: Testing.SourceLocation = #_sourceLocation,
    _ body: () throws(SessionError) -> Void
) {
    do {
        try body()
        Issue.record("expected \(expected), but nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}
