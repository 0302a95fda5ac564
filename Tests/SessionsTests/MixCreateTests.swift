import Foundation
import Sessions
import Testing

/// Mix `POST /api/sessions` (mix-api.md §2.2): every rule, in the contract's order.
struct MixCreateTests {
    static func create(
        title: String? = "Fix the build",
        browserMode: String? = "local-browser-service",
        cdpURL: String? = nil,
        prompt: String? = nil,
        promptMode: String? = nil,
        sessionType: String? = nil,
        subagentType: String? = nil,
        callbacks: [CallbackInput] = []
    ) -> SessionCommand {
        .create(
            CreateSession(
                sessionID: sid,
                namespace: "default",
                title: title,
                browserMode: browserMode,
                cdpURL: cdpURL,
                customSystemPrompt: prompt,
                promptMode: promptMode,
                sessionType: sessionType,
                subagentType: subagentType,
                callbacks: callbacks
            )
        )
    }

    static let rules: [DecisionRule] = [
        DecisionRule("missing title", given: [], create(title: nil), invalid("title", "title is required")),
        DecisionRule("empty title", given: [], create(title: ""), invalid("title", "title is required")),
        DecisionRule(
            "unknown promptMode",
            given: [],
            create(promptMode: "fancy"),
            invalid("promptMode", "promptMode must be 'default', 'append', or 'replace'")
        ),
        DecisionRule(
            "replace prompt over 100 KB",
            given: [],
            create(prompt: String(repeating: "a", count: 102_401), promptMode: "replace"),
            invalid("customSystemPrompt", "Custom prompt size (100KB) exceeds replace mode limit of 100KB")
        ),
        DecisionRule(
            "append prompt over 50 KB",
            given: [],
            create(prompt: String(repeating: "a", count: 51_201), promptMode: "append"),
            invalid("customSystemPrompt", "Custom prompt size (50KB) exceeds append mode limit of 50KB")
        ),
        DecisionRule(
            "append prompt size counts UTF-8 bytes",
            given: [],
            create(prompt: String(repeating: "é", count: 25_601), promptMode: "append"),
            invalid("customSystemPrompt", "Custom prompt size (50KB) exceeds append mode limit of 50KB")
        ),
        DecisionRule(
            "replace prompt size shows truncated KB",
            given: [],
            create(prompt: String(repeating: "a", count: 150_000), promptMode: "replace"),
            invalid("customSystemPrompt", "Custom prompt size (146KB) exceeds replace mode limit of 100KB")
        ),
        DecisionRule(
            "subagent sessionType",
            given: [],
            create(sessionType: "subagent"),
            invalid(
                "sessionType",
                "API can only create main sessions. Subagent sessions are created automatically."
            )
        ),
        DecisionRule(
            "subagentType set",
            given: [],
            create(subagentType: "general-purpose"),
            invalid(
                "subagentType",
                "subagentType cannot be set for API-created sessions. "
                    + "Subagent sessions are created programmatically by the task delegation system."
            )
        ),
        DecisionRule(
            "missing browserMode",
            given: [],
            create(browserMode: nil),
            invalid(
                "browserMode",
                "browserMode is required (must be 'electron-embedded-browser', 'local-browser-service', "
                    + "or 'remote-cdp-websocket')"
            )
        ),
        DecisionRule(
            "empty browserMode",
            given: [],
            create(browserMode: ""),
            invalid(
                "browserMode",
                "browserMode is required (must be 'electron-embedded-browser', 'local-browser-service', "
                    + "or 'remote-cdp-websocket')"
            )
        ),
        DecisionRule(
            "unknown browserMode",
            given: [],
            create(browserMode: "chrome"),
            invalid(
                "browserMode",
                "browserMode must be one of: [electron-embedded-browser local-browser-service remote-cdp-websocket]"
            )
        ),
        DecisionRule(
            "remote browser without cdpUrl",
            given: [],
            create(browserMode: "remote-cdp-websocket"),
            invalid("cdpUrl", "cdpUrl is required when browserMode is 'remote-cdp-websocket'")
        ),
        DecisionRule(
            "remote browser with http cdpUrl",
            given: [],
            create(browserMode: "remote-cdp-websocket", cdpURL: "http://127.0.0.1:9222"),
            invalid("cdpUrl", "cdpUrl must start with 'ws://' or 'wss://'")
        ),
        DecisionRule(
            "cdpUrl with a local browser",
            given: [],
            create(cdpURL: "ws://127.0.0.1:9222"),
            invalid("cdpUrl", "cdpUrl can only be set when browserMode is 'remote-cdp-websocket'")
        ),
        DecisionRule(
            "invalid callback",
            given: [],
            create(callbacks: [CallbackInput(toolName: "Bash", type: "shell")]),
            invalid(
                "callbacks",
                "callbacks[0]: type must be 'bash_script', 'sub_agent', or 'send_message', got 'shell'"
            )
        ),
        // Order: the first failing rule wins.
        DecisionRule(
            "title before promptMode",
            given: [],
            create(title: "", promptMode: "fancy"),
            invalid("title", "title is required")
        ),
        DecisionRule(
            "promptMode before sessionType",
            given: [],
            create(promptMode: "fancy", sessionType: "subagent"),
            invalid("promptMode", "promptMode must be 'default', 'append', or 'replace'")
        ),
        DecisionRule(
            "prompt size before sessionType",
            given: [],
            create(prompt: String(repeating: "a", count: 51_201), promptMode: "append", sessionType: "x"),
            invalid("customSystemPrompt", "Custom prompt size (50KB) exceeds append mode limit of 50KB")
        ),
        DecisionRule(
            "sessionType before subagentType",
            given: [],
            create(sessionType: "forked", subagentType: "x"),
            invalid(
                "sessionType",
                "API can only create main sessions. Subagent sessions are created automatically."
            )
        ),
        DecisionRule(
            "subagentType before browserMode",
            given: [],
            create(browserMode: nil, subagentType: "x"),
            invalid(
                "subagentType",
                "subagentType cannot be set for API-created sessions. "
                    + "Subagent sessions are created programmatically by the task delegation system."
            )
        ),
        DecisionRule(
            "browserMode before callbacks",
            given: [],
            create(browserMode: "chrome", callbacks: [CallbackInput(type: "bash_script")]),
            invalid(
                "browserMode",
                "browserMode must be one of: [electron-embedded-browser local-browser-service remote-cdp-websocket]"
            )
        ),
        DecisionRule(
            "an existing id conflicts",
            given: [mixCreated],
            create(),
            .conflict(field: "sessionId", message: "Session with ID 's-1' already exists")
        ),
    ]

    @Test(arguments: rules)
    func rejectsInvalidCreate(_ rule: DecisionRule) { rule.check() }

    @Test func createsAMixSessionWithTheWholeTitle() throws {
        let events = try Session.decide(
            Self.create(title: "A title much longer than twenty characters", prompt: "Be brief", promptMode: "append"),
            state: .initial,
            context: fixedContext()
        )
        #expect(
            events == [
                .created(
                    SessionCreated(
                        sessionID: sid,
                        namespace: "default",
                        origin: .mix,
                        title: "A title much longer than twenty characters",
                        customSystemPrompt: "Be brief",
                        promptMode: .append,
                        browserMode: .localBrowserService,
                        sessionType: .main
                    )
                )
            ]
        )
    }

    @Test(
        arguments: [
            ("   ", nil, 0),  // whitespace-only title is accepted
            ("t", "", 10),  // empty promptMode means default
            ("t", "default", 300_000),  // default mode has no size limit
            ("t", "replace", 102_400),  // exactly 100 KB
            ("t", "append", 51_200),  // exactly 50 KB
        ] as [(String, String?, Int)]
    )
    func acceptsBoundaryValues(title: String, promptMode: String?, promptBytes: Int) throws {
        let prompt = promptBytes == 0 ? nil : String(repeating: "a", count: promptBytes)
        let events = try Session.decide(
            Self.create(title: title, prompt: prompt, promptMode: promptMode, sessionType: "main"),
            state: .initial,
            context: fixedContext()
        )
        #expect(events.count == 1)
    }

    @Test func acceptsARemoteBrowserWithAWebSocketURL() throws {
        let events = try Session.decide(
            Self.create(browserMode: "remote-cdp-websocket", cdpURL: "wss://browser.example/devtools"),
            state: .initial,
            context: fixedContext()
        )
        guard case .created(let created) = try #require(events.first) else {
            Issue.record("expected session.created")
            return
        }
        #expect(created.browserMode == .remoteCDPWebSocket)
        #expect(created.cdpURL == "wss://browser.example/devtools")
    }

    @Test func generatesAnIDWhenNoneIsGiven() throws {
        let command = SessionCommand.create(
            CreateSession(namespace: "default", title: "t", browserMode: "electron-embedded-browser")
        )
        let events = try Session.decide(command, state: .initial, context: IDSequence().context())
        guard case .created(let created) = try #require(events.first) else {
            Issue.record("expected session.created")
            return
        }
        #expect(created.sessionID == "id-1")
        #expect(command.sessionID == nil)
    }

    @Test func storesCallbacksTheWayMixEchoesThem() throws {
        let events = try Session.decide(
            Self.create(callbacks: [
                CallbackInput(
                    name: "",
                    toolName: "Bash",
                    type: "send_message",
                    bashTimeout: 120_000,
                    subAgentType: "general-purpose",
                    includeFullHistory: false,
                    messageContent: "Check the output",
                    excludeFromContext: false
                )
            ]),
            state: .initial,
            context: fixedContext()
        )
        guard case .created(let created) = try #require(events.first) else {
            Issue.record("expected session.created")
            return
        }
        #expect(
            created.callbacks == [
                Callback(
                    toolName: "Bash",
                    type: .sendMessage,
                    bashTimeout: 120_000,
                    subAgentType: "general-purpose",
                    messageContent: "Check the output"
                )
            ]
        )
    }
}
