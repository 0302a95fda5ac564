import Foundation
import Sessions

/// Generates realistic agent-session events as JSON: user prompts, assistant replies with
/// token usage and model, tool calls with JSON input, multi-line tool output.
///
/// Deterministic for a seed, so benchmarks and tests see the same bytes on every run. The
/// text is assembled from vocabularies of the kind agents exchange (prose, shell output,
/// code, file listings); it is not real user data. Words are drawn with Zipf's law, as in
/// natural language, not uniformly.
public struct AgentCorpus: Sendable {
    /// One generated event: its wire type and JSON body.
    public struct Event: Sendable {
        public var type: String
        public var body: [UInt8]
    }

    var random: SplitMix64

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
        let toolCalls = random.int(in: 0...3)
        for call in 0..<toolCalls {
            let tool = Self.tools[random.int(in: 0...(Self.tools.count - 1))]
            let callID = ToolCallID(rawValue: "t\(turn)-\(call)")!
            let stepID = MessageID(rawValue: "a\(turn)-\(call)")!
            let toolMessageID = MessageID(rawValue: "r\(turn)-\(call)")!
            let input = try! JSONSerialization.data(withJSONObject: toolInput(tool), options: [.sortedKeys, .withoutEscapingSlashes])
            events.append(.messageAppended(MessageAppended(
                messageID: stepID, role: .assistant, text: random.int(in: 0...2) == 0 ? sentence() : nil,
                model: "claude-sonnet-4-5-20250929", finishReason: .toolUse, inputTokens: random.int(in: 400...9000),
                outputTokens: random.int(in: 20...300), cacheCreationTokens: random.int(in: 0...600),
                cacheReadTokens: random.int(in: 0...4000), cost: Double(random.int(in: 1...900)) / 10000,
                latencyMs: Double(random.int(in: 300...4000)),
                toolCalls: [ToolCall(id: callID, name: tool, input: String(decoding: input, as: UTF8.self), type: "tool_use")])))
            events.append(.messageAppended(MessageAppended(messageID: toolMessageID, role: .tool)))
            events.append(.toolResultRecorded(ToolResultRecorded(
                toolCallID: callID, messageID: toolMessageID, result: toolOutput(tool),
                isError: random.int(in: 0...19) == 0)))
            later += [stepID, toolMessageID]
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

    mutating func path() -> String {
        let dirs = ["Sources", "src", "lib", "tests", "docs", "internal", "pkg", "app"]
        let names = Self.identifiers
        return "\(dirs[random.int(in: 0...(dirs.count - 1))])/\(names[random.int(in: 0...(names.count - 1))])"
            + [".swift", ".py", ".go", ".ts", ".md"][random.int(in: 0...4)]
    }

    mutating func toolInput(_ tool: String) -> [String: Any] {
        switch tool {
        case "bash": ["command": ["ls -la \(path())", "grep -rn \(Self.identifiers[random.int(in: 0...9)]) .", "swift test --filter \(Self.identifiers[random.int(in: 0...9)])", "git diff --stat"][random.int(in: 0...3)], "timeout": 120]
        case "read_file": ["path": path(), "offset": random.int(in: 0...400), "limit": 200]
        case "web_search": ["query": paragraph(sentences: 1), "maxResults": 5]
        case "edit_file": ["path": path(), "oldText": line(), "newText": line()]
        default: ["path": path()]
        }
    }

    mutating func line() -> String {
        let id = Self.identifiers[random.int(in: 0...(Self.identifiers.count - 1))]
        let other = Self.identifiers[random.int(in: 0...(Self.identifiers.count - 1))]
        return ["let \(id) = try \(other)(\(random.int(in: 0...99)))", "    return \(id).map { $0.\(other) }",
                "func \(id)(_ value: Int) -> \(other.capitalized) {", "if \(id) == nil { throw \(other.capitalized)Error.missing }",
                "// \(sentence())", "\(id) = \(other) + \(random.int(in: 1...512))"][random.int(in: 0...5)]
    }

    mutating func toolOutput(_ tool: String) -> String {
        let lines = random.int(in: 4...40)
        switch tool {
        case "bash":
            return (0..<lines).map { _ in
                ["-rw-r--r--  1 agent agent \(random.int(in: 100...90000)) Nov 23 11:\(random.int(in: 10...59)) \(path())",
                 "\(path()):\(random.int(in: 1...900)): \(line())",
                 "Test Case '\(Self.identifiers[random.int(in: 0...9)])Tests.test\(Self.identifiers[random.int(in: 0...9)].capitalized)' passed (\(random.int(in: 1...999)) ms)",
                 "warning: \(sentence())"][random.int(in: 0...3)]
            }.joined(separator: "\n")
        case "web_search":
            return (0..<min(lines, 6)).map { i in "\(i + 1). \(sentence())\n   https://example.org/\(Self.identifiers[random.int(in: 0...9)])/\(random.int(in: 1...9999))" }.joined(separator: "\n")
        default:
            return (0..<lines).map { n in "\(n + 1)\t\(line())" }.joined(separator: "\n")
        }
    }

    static let tools = ["bash", "read_file", "web_search", "edit_file", "list_dir"]
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
