import Foundation
import Sessions
import Testing

/// Mix `PATCH /api/sessions/{id}/callbacks` (mix-api.md §2.5): every rule, message `callbacks[<i>]: <reason>`.
struct CallbackValidationTests {
    static func replace(_ callbacks: [CallbackInput]?) -> SessionCommand {
        .replaceCallbacks(ReplaceCallbacks(sessionID: sid, callbacks: callbacks))
    }

    static let bash = CallbackInput(toolName: "Bash", type: "bash_script", bashCommand: "echo done")

    static let rules: [DecisionRule] = [
        DecisionRule(
            "missing toolName",
            replace([CallbackInput(type: "bash_script", bashCommand: "ls")]),
            invalid("callbacks", "callbacks[0]: missing required field 'toolName'")
        ),
        DecisionRule(
            "empty toolName",
            replace([CallbackInput(toolName: "", type: "bash_script", bashCommand: "ls")]),
            invalid("callbacks", "callbacks[0]: missing required field 'toolName'")
        ),
        DecisionRule(
            "missing type",
            replace([CallbackInput(toolName: "Bash")]),
            invalid("callbacks", "callbacks[0]: missing required field 'type'")
        ),
        DecisionRule(
            "unknown type",
            replace([CallbackInput(toolName: "Bash", type: "webhook")]),
            invalid(
                "callbacks",
                "callbacks[0]: type must be 'bash_script', 'sub_agent', or 'send_message', got 'webhook'"
            )
        ),
        DecisionRule(
            "bash_script without bashCommand",
            replace([CallbackInput(toolName: "Bash", type: "bash_script")]),
            invalid("callbacks", "callbacks[0]: bash_script type requires 'bashCommand' field")
        ),
        DecisionRule(
            "sub_agent without subAgentPrompt",
            replace([CallbackInput(toolName: "*", type: "sub_agent")]),
            invalid("callbacks", "callbacks[0]: sub_agent type requires 'subAgentPrompt' field")
        ),
        DecisionRule(
            "send_message without messageContent",
            replace([CallbackInput(toolName: "Show", type: "send_message", messageContent: "")]),
            invalid("callbacks", "callbacks[0]: send_message type requires 'messageContent' field")
        ),
        DecisionRule(
            "send_message excluded from context",
            replace([
                CallbackInput(toolName: "Show", type: "send_message", messageContent: "hi", excludeFromContext: true)
            ]),
            invalid("callbacks", "callbacks[0]: send_message callbacks cannot be excluded from context")
        ),
        DecisionRule(
            "the first invalid callback is named by index",
            replace([bash, CallbackInput(toolName: "Read", type: "sub_agent"), CallbackInput()]),
            invalid("callbacks", "callbacks[1]: sub_agent type requires 'subAgentPrompt' field")
        ),
        DecisionRule(
            "toolName is checked before type",
            replace([CallbackInput(type: "nonsense")]),
            invalid("callbacks", "callbacks[0]: missing required field 'toolName'")
        ),
        DecisionRule(
            "the session is looked up before the callbacks",
            given: [],
            replace([CallbackInput()]),
            .sessionNotFound(sid)
        ),
    ]

    @Test(arguments: rules)
    func rejectsInvalidCallbacks(_ rule: DecisionRule) { rule.check() }

    @Test(arguments: [nil, []] as [[CallbackInput]?])
    func nilOrEmptyClearsTheCallbacks(_ callbacks: [CallbackInput]?) throws {
        let state = Given([
            mixCreated,
            .callbacksReplaced(
                CallbacksReplaced(callbacks: [Callback(toolName: "*", type: .bashScript, bashCommand: "ls")])
            ),
        ]).state
        let events = try Session.decide(Self.replace(callbacks), state: state, context: fixedContext())
        #expect(events == [.callbacksReplaced(CallbacksReplaced(callbacks: []))])
        #expect(state.applying(events[0], version: 3, recordedAt: at(5)).callbacks.isEmpty)
    }

    @Test func acceptsTheSDKDefaultsOnEveryCallbackType() throws {
        let sdkDefaults = { (type: String) in
            CallbackInput(
                toolName: "Bash",
                type: type,
                bashCommand: "ls",
                bashTimeout: 120_000,
                subAgentPrompt: "Review",
                subAgentType: "general-purpose",
                includeFullHistory: false,
                messageContent: "hi",
                excludeFromContext: false
            )
        }
        let events = try Session.decide(
            Self.replace(["bash_script", "sub_agent", "send_message"].map(sdkDefaults)),
            state: Given([mixCreated]).state,
            context: fixedContext()
        )
        guard case .callbacksReplaced(let replaced) = try #require(events.first) else {
            Issue.record("expected callbacks.replaced")
            return
        }
        #expect(replaced.callbacks.map(\.type) == [.bashScript, .subAgent, .sendMessage])
        #expect(replaced.callbacks.allSatisfy { $0.excludeFromContext == nil && $0.includeFullHistory == nil })
    }
}
