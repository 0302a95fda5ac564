import Foundation
import Sessions

/// Generates realistic agent-session events as JSON: user prompts, assistant replies with
/// token usage and model, tool calls with JSON input, multi-line tool output.
///
/// Deterministic for a seed, so benchmarks and tests see the same bytes on every run. The
/// text is assembled from vocabularies of the kind agents exchange (prose, shell output,
/// code, file listings); it is not real user data. Words are drawn with Zipf's law, as in
/// natural language, not uniformly. Tool output comes from the session's ``Workspace``: a
/// file read twice shows the same lines, an edit shows in later reads, and test runs name
/// the same tests, as in real coding-agent transcripts.
public struct AgentCorpus: Sendable {
    /// One generated event: its wire type and JSON body.
    public struct Event: Sendable {
        public var type: String
        public var body: [UInt8]
    }

    var random: SplitMix64
    /// The project each session's agent works on, created at the session's first tool call.
    var workspaces: [String: Workspace] = [:]

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The events of one turn, encoded as the log stores them: a user message starting a run, tool-using
    /// assistant steps each followed by a tool message with the result, then the assistant's reply ending
    /// the run; `turn` numbers them within the session. Same events as ``SessionCorpus``.
    public mutating func turn(session: String, turn: Int) -> [Event] {
        sessionTurn(session: session, turn: turn, rewindPercent: 0).map(Self.encode)
    }

    /// An event as the log stores it.
    static func encode(_ event: SessionEvent) -> Event {
        let encoded = try! event.encoded()
        return Event(type: encoded.type, body: encoded.body)
    }

    /// The events of one turn as `Sessions` events; see ``SessionCorpus/turn(session:turn:)``.
    mutating func sessionTurn(session: String, turn: Int, rewindPercent: Int) -> [SessionEvent] {
        var events: [SessionEvent] = []
        let userID = MessageID(rawValue: "u\(turn)")!
        events.append(.messageAppended(MessageAppended(
            messageID: userID, role: .user, text: paragraph(sentences: random.int(in: 1...6)))))
        events.append(.processingStarted(ProcessingStarted(messageID: userID, maxSteps: 20)))
        var later: [MessageID] = []
        // Coding agents call several tools per turn, and their output is most of a transcript's bytes.
        let toolCalls = random.int(in: 0...6)
        for call in 0..<toolCalls {
            let tool = Self.tools[random.int(in: 0...(Self.tools.count - 1))]
            let callID = ToolCallID(rawValue: "t\(turn)-\(call)")!
            let stepID = MessageID(rawValue: "a\(turn)-\(call)")!
            let toolMessageID = MessageID(rawValue: "r\(turn)-\(call)")!
            var workspace = workspaces[session] ?? Workspace(session: session)
            let arguments = toolInput(tool, workspace: workspace)
            let input = try! JSONSerialization.data(withJSONObject: arguments, options: [.sortedKeys, .withoutEscapingSlashes])
            events.append(.messageAppended(MessageAppended(
                messageID: stepID, role: .assistant, text: random.int(in: 0...2) == 0 ? sentence() : nil,
                model: "claude-sonnet-4-5-20250929", finishReason: .toolUse, inputTokens: random.int(in: 400...9000),
                outputTokens: random.int(in: 20...300), cacheCreationTokens: random.int(in: 0...600),
                cacheReadTokens: random.int(in: 0...4000), cost: Double(random.int(in: 1...900)) / 10000,
                latencyMs: Double(random.int(in: 300...4000)),
                toolCalls: [ToolCall(id: callID, name: tool, input: String(decoding: input, as: UTF8.self), type: "tool_use")])))
            events.append(.messageAppended(MessageAppended(messageID: toolMessageID, role: .tool)))
            events.append(.toolResultRecorded(ToolResultRecorded(
                toolCallID: callID, messageID: toolMessageID, result: toolOutput(tool, arguments: arguments, workspace: &workspace),
                isError: random.int(in: 0...19) == 0)))
            later += [stepID, toolMessageID]
            workspaces[session] = workspace
        }
        let reasoning = paragraph(sentences: random.int(in: 0...2))
        let replyID = MessageID(rawValue: "a\(turn)")!
        events.append(.messageAppended(MessageAppended(
            messageID: replyID, role: .assistant, text: paragraph(sentences: random.int(in: 3...12)),
            reasoning: reasoning.isEmpty ? nil : reasoning, reasoningDurationMs: reasoning.isEmpty ? nil : random.int(in: 200...9000),
            model: "claude-sonnet-4-5-20250929", finishReason: .endTurn, inputTokens: random.int(in: 400...9000),
            outputTokens: random.int(in: 50...900), cacheCreationTokens: 0, cacheReadTokens: random.int(in: 0...4000),
            cost: Double(random.int(in: 1...900)) / 10000, latencyMs: Double(random.int(in: 300...9000)))))
        events.append(.processingFinished(ProcessingFinished(finishReason: .endTurn)))
        later.append(replyID)
        if rewindPercent > 0, random.int(in: 1...100) <= rewindPercent {
            // Rewind to the user message: this turn's answers are removed (and stay in the log).
            events.append(.rewound(SessionRewound(toMessageID: userID, removedMessageIDs: later, cleanupMedia: false)))
        }
        return events
    }

    /// Events until their bodies reach `bytes`, spread over sessions of `turnsPerSession` turns.
    public mutating func events(totalBytes: Int, turnsPerSession: Int = 20) -> [(session: String, event: Event)] {
        var out: [(String, Event)] = []
        var size = 0
        var sessionNumber = 0
        while size < totalBytes {
            let session = Self.sessionID(sessionNumber)
            let created = Self.encode(SessionCorpus.creation(session: session, number: sessionNumber))
            out.append((session, created))
            size += created.body.count
            for turn in 0..<turnsPerSession where size < totalBytes {
                for event in self.turn(session: session, turn: turn) {
                    out.append((session, event))
                    size += event.body.count
                }
            }
            sessionNumber += 1
        }
        return out
    }

    /// A session id of the usual UUID shape, derived from `number`.
    public static func sessionID(_ number: Int) -> String {
        var generator = SplitMix64(seed: UInt64(number) &* 7919 &+ 17)
        let a = generator.next(), b = generator.next()
        return String(format: "%08x-%04x-4%03x-%04x-%012llx", UInt32(truncatingIfNeeded: a >> 32),
                      UInt16(truncatingIfNeeded: a >> 16), UInt16(truncatingIfNeeded: a) & 0xFFF,
                      UInt16(truncatingIfNeeded: b >> 48) & 0x3FFF | 0x8000, b & 0xFFFF_FFFF_FFFF)
    }

    mutating func paragraph(sentences: Int) -> String {
        (0..<sentences).map { _ in sentence() }.joined(separator: " ")
    }

    mutating func sentence() -> String {
        let count = random.int(in: 6...18)
        var words: [String] = []
        for i in 0..<count {
            let word = Self.words[random.zipf(Self.words.count)]
            words.append(i == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word)
        }
        if random.int(in: 0...4) == 0 { words.append("`\(Self.identifiers[random.int(in: 0...(Self.identifiers.count - 1))])`") }
        return words.joined(separator: " ") + "."
    }

    mutating func toolInput(_ tool: String, workspace: Workspace) -> [String: Any] {
        let path = workspace.paths[random.int(in: 0...(workspace.paths.count - 1))]
        switch tool {
        case "bash":
            let test = workspace.tests[random.int(in: 0...(workspace.tests.count - 1))]
            let commands = [
                "ls -la \(path.split(separator: "/")[0])", "grep -rn \(Self.identifiers[random.int(in: 0...9)]) .",
                "swift test --filter \(test.split(separator: ".")[0])", "git diff --stat",
            ]
            return ["command": commands[random.int(in: 0...(commands.count - 1))], "timeout": 120]
        case "read_file":
            // Agents mostly read whole files (file-reading tools default to the first 2,000 lines), sometimes a window.
            guard random.int(in: 0...2) == 0 else { return ["path": path] }
            let lines = workspace.lineCount(of: path)
            return ["path": path, "offset": random.int(in: 0...max(0, lines - 40)), "limit": random.int(in: 40...200)]
        case "web_search": return ["query": paragraph(sentences: 1), "maxResults": 5]
        case "edit_file":
            let number = random.int(in: 1...workspace.lineCount(of: path))
            return ["path": path, "line": number, "oldText": workspace.line(number, of: path), "newText": line()]
        default: return ["path": path.split(separator: "/")[0]]
        }
    }

    mutating func line() -> String { Self.codeLine(&random) }

    /// One line of code-like text, of the kinds source files hold.
    static func codeLine(_ random: inout SplitMix64) -> String {
        let id = identifiers[random.int(in: 0...(identifiers.count - 1))]
        let other = identifiers[random.int(in: 0...(identifiers.count - 1))]
        let indent = String(repeating: "    ", count: random.int(in: 0...3))
        return indent + [
            "let \(id) = try \(other)(\(random.int(in: 0...99)))", "return \(id).map { $0.\(other) }",
            "func \(id)(_ value: Int) -> \(other.capitalized) {", "if \(id) == nil { throw \(other.capitalized)Error.missing }",
            "// Keeps the \(id) in step with the \(other).", "\(id) = \(other) + \(random.int(in: 1...512))", "}", "",
        ][random.int(in: 0...7)]
    }

    /// The tool's output, consistent with the session's workspace (reads show its lines, edits change them).
    mutating func toolOutput(_ tool: String, arguments: [String: Any], workspace: inout Workspace) -> String {
        let path = arguments["path"] as? String ?? ""
        switch tool {
        case "bash":
            let command = arguments["command"] as? String ?? ""
            if command.hasPrefix("ls") {
                let dir = String(command.dropFirst(7))
                return workspace.paths.filter { $0.hasPrefix(dir + "/") }.map { file in
                    "-rw-r--r--  1 agent agent \(workspace.lineCount(of: file) * 31) Nov 23 11:42 \(file.split(separator: "/")[1])"
                }.joined(separator: "\n")
            }
            if command.hasPrefix("grep") {
                return (0..<random.int(in: 2...12)).map { _ in
                    let file = workspace.paths[random.int(in: 0...(workspace.paths.count - 1))]
                    let number = random.int(in: 1...workspace.lineCount(of: file))
                    return "\(file):\(number):\(workspace.line(number, of: file))"
                }.joined(separator: "\n")
            }
            if command.hasPrefix("git diff") {
                let edited = workspace.editedPaths
                return edited.map { " \($0) | \(random.int(in: 1...12)) \(String(repeating: "+", count: random.int(in: 1...8)))" }
                    .joined(separator: "\n") + "\n \(edited.count) files changed"
            }
            let failing = random.int(in: 0...3) == 0 ? workspace.tests[random.int(in: 0...(workspace.tests.count - 1))] : nil
            var lines = ["Building for debugging...", "Build complete! (\(random.int(in: 1...40)).\(random.int(in: 10...99))s)"]
            for test in workspace.tests {
                lines.append("Test Case '\(test)' started.")
                lines.append(test == failing
                    ? "error: \(test) : XCTAssertEqual failed: (\"\(random.int(in: 0...99))\") is not equal to (\"\(random.int(in: 0...99))\")"
                    : "Test Case '\(test)' passed (\(random.int(in: 1...999)) ms)")
            }
            lines.append("Executed \(workspace.tests.count) tests, with \(failing == nil ? 0 : 1) failure")
            return lines.joined(separator: "\n")
        case "read_file":
            return workspace.read(path, offset: arguments["offset"] as? Int ?? 0, limit: arguments["limit"] as? Int ?? 2000)
        case "edit_file":
            let number = arguments["line"] as? Int ?? 1
            workspace.edit(path, line: number, to: arguments["newText"] as? String ?? "")
            return "Edited \(path):\n" + workspace.read(path, offset: max(0, number - 4), limit: 7)
        case "web_search":
            return (0..<random.int(in: 3...6)).map { i in
                "\(i + 1). \(sentence())\n   https://example.org/\(Self.identifiers[random.int(in: 0...9)])/\(random.int(in: 1...9999))"
            }.joined(separator: "\n")
        default:
            return workspace.paths.filter { $0.hasPrefix(path + "/") }.joined(separator: "\n")
        }
    }

    /// Tools by how often agents call them: reading files and running commands most, searching the web least.
    static let tools = [
        "read_file", "read_file", "read_file", "read_file", "bash", "bash", "bash", "edit_file", "edit_file", "list_dir",
        "web_search",
    ]
    static let identifiers = [
        "session", "transcript", "projection", "checkpoint", "segment", "frame", "record", "callback", "message",
        "toolCall", "rewind", "cursor", "position", "stream", "version", "encoder", "decoder", "payload", "buffer",
        "handler", "router", "request", "response", "config", "logger", "index", "cache", "token", "usage", "latency",
    ]
    static let words = [
        "the", "a", "to", "of", "and", "in", "is", "it", "that", "for", "on", "with", "this", "as", "be", "we", "can",
        "file", "function", "test", "tests", "error", "build", "change", "run", "code", "value", "type", "return",
        "session", "message", "user", "agent", "tool", "output", "input", "result", "call", "request", "server",
        "client", "database", "query", "index", "table", "row", "column", "schema", "migration", "log", "event",
        "update", "check", "fix", "add", "remove", "rename", "refactor", "failing", "passing", "expected", "actual",
        "because", "when", "then", "after", "before", "instead", "should", "would", "could", "now", "also", "only",
        "first", "next", "last", "new", "old", "same", "different", "missing", "empty", "invalid", "timeout",
        "retry", "config", "option", "flag", "default", "path", "directory", "module", "package", "dependency",
        "version", "release", "commit", "branch", "merge", "diff", "line", "lines", "method", "class", "struct",
        "async", "await", "thread", "lock", "queue", "memory", "disk", "latency", "throughput", "benchmark", "cache",
        "let", "me", "look", "at", "see", "here", "there", "what", "which", "why", "how", "please", "thanks", "sure",
        "I", "you", "will", "it's", "don't", "let's", "okay", "great", "done", "works", "seems", "looks", "like",
    ]
}

extension SplitMix64 {
    /// An index in `0..<count` drawn with Zipf's law (exponent 1): index 0 is the most likely.
    public mutating func zipf(_ count: Int) -> Int {
        // Inverse transform on the harmonic CDF, H(k) ≈ ln(k) + 0.5772.
        let harmonic = log(Double(count)) + 0.5772
        let u = Double(next() >> 11) / Double(1 << 53)
        let rank = Int(exp(u * harmonic - 0.5772))
        return min(max(rank - 1, 0), count - 1)
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
