import Foundation
import Testing
import Workload

@testable import Sessions

/// The hand-written `message.appended` body against `JSONEncoder` with the event settings: the same bytes.
struct EventBodyWriterTests {
    private func expectSameBytes(_ message: MessageAppended, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = try #require(message.bodyJSON(), sourceLocation: sourceLocation)
        let encoded = [UInt8](try EventJSON.encoder.encode(message))
        #expect(
            String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self),
            sourceLocation: sourceLocation)
        #expect(try SessionEvent.messageAppended(message).encoded().body == encoded, sourceLocation: sourceLocation)
    }

    @Test func everyMessageOfAGeneratedCorpusIsWrittenAsTheEncoderWritesIt() throws {
        var corpus = SessionCorpus(seed: 12)
        var compared = 0
        for number in 0..<40 {
            for turn in 0..<25 {
                for case .messageAppended(let message) in corpus.turn(session: SessionCorpus.sessionID(number), turn: turn) {
                    try expectSameBytes(message)
                    compared += 1
                }
            }
        }
        #expect(compared > 500)
    }

    @Test func everyFieldAndEveryCharacterToEscape() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        let text = controls + "\"\\/ é 日本 🧪 \u{2028}\u{7F} end"
        try expectSameBytes(
            MessageAppended(
                messageID: "m/1\"", role: .assistant, text: text, reasoning: "why\n", reasoningDurationMs: -3,
                model: "claude", finishReason: FinishReason(rawValue: "tool_use"), inputTokens: 0,
                outputTokens: Int.max, cacheCreationTokens: 12, cacheReadTokens: Int.min, cost: 0.000_1,
                latencyMs: 8687,
                toolCalls: [
                    ToolCall(id: "t1", name: "Bash", input: #"{"cmd":"ls /tmp"}"#, type: "function"),
                    ToolCall(id: "t2", name: "", input: "{}"),
                ],
                metadata: ["b": .number(1.5), "a": .array([.null, .bool(true), .string("x/y")])],
                item: .object(["role": .string("assistant"), "content": .number(3)]), copiedFrom: "s/0\""))
        try expectSameBytes(MessageAppended(messageID: "m", role: .user))
        try expectSameBytes(MessageAppended(messageID: "m", role: .user, text: "copied", copiedFrom: "s-0"))
        for number in [0.1 + 0.2, 1e-7, 1e21, 123_456_789.125, -0.0, 5e-324, 1.7976931348623157e308, 100, 0.5] {
            try expectSameBytes(MessageAppended(messageID: "m", role: .assistant, cost: number, latencyMs: -number))
        }
    }

    @Test func aNumberNoJSONHoldsIsLeftToTheEncoder() throws {
        #expect(MessageAppended(messageID: "m", role: .assistant, cost: .nan).bodyJSON() == nil)
        #expect(MessageAppended(messageID: "m", role: .user, item: .array([.number(.infinity)])).bodyJSON() == nil)
        #expect(JSONValue.object(["a": .number(-.infinity)]).encodedJSON() == nil)
        #expect(throws: SessionError.self) {
            try SessionEvent.messageAppended(MessageAppended(messageID: "m", role: .assistant, latencyMs: .infinity)).encoded()
        }
    }

    private func expectSameBytes(_ value: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = try #require(value.encodedJSON(), sourceLocation: sourceLocation)
        let encoded = try EventJSON.encoder.encode(value)
        #expect(
            String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self),
            sourceLocation: sourceLocation)
        if case .object(let members) = value {
            #expect(members.encodedJSON() == written, sourceLocation: sourceLocation)
        }
    }

    @Test func freeFormValuesAreWrittenAsTheEncoderWritesThem() throws {
        // Keys the encoder sorts by their UTF-8 bytes: digits, case, `_`, accents (composed and not: `String`'s `<`
        // would put "e\u{301}x" after "z"), compatibility forms and emoji; and every character a string escapes.
        let keys = ["", "10", "9", "A", "Ab", "B", "Z", "_", "a", "a b", "a10", "a2", "aB", "ab", "e", "f", "z", "ä",
                    "é", "e\u{301}x", "ﬀ", "ｆ", "😀", "\"", "\\", "\n", "/"]
        var object: [String: JSONValue] = [:]
        for (index, key) in keys.enumerated() { object[key] = .number(Double(index)) }
        try expectSameBytes(.object(object))
        let controls = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        try expectSameBytes(.string(controls + "\"\\/ é 日本 🧪 \u{2028}\u{7F}"))
        for number in [0, 1, -1, 0.1 + 0.2, 1e-7, 1e21, 1e15, 1e16, 123_456_789.125, -0.0, 5e-324, 1.7976931348623157e308] {
            try expectSameBytes(.number(number))
        }
        try expectSameBytes(.null)
        try expectSameBytes(.array([]))
        try expectSameBytes(.object([:]))
        try expectSameBytes(.array([.bool(true), .bool(false), .null, .object(["x": .array([.object([:])])])]))
    }

    @Test func randomFreeFormValuesAreWrittenAsTheEncoderWritesThem() throws {
        var random = RandomJSON(seed: 2026)
        for _ in 0..<400 { try expectSameBytes(random.value(depth: 4)) }
    }
}

/// Seeded random JSON values for the comparison above.
private struct RandomJSON {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func below(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }

    mutating func string() -> String {
        let pieces = ["a", "Z", "0", "9", "_", " ", "é", "e\u{301}", "日", "🧪", "\"", "\\", "/", "\n", "\u{1}", "\u{7F}", "ß"]
        return (0..<below(6)).map { _ in pieces[below(pieces.count)] }.joined()
    }

    mutating func value(depth: Int) -> JSONValue {
        switch below(depth > 0 ? 7 : 5) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2: return .number(Double(Int64(bitPattern: generator.next()) >> 20))
        case 3: return .number(Double(bitPattern: generator.next() >> 2) * (below(2) == 0 ? 1 : -1))
        case 4: return .string(string())
        case 5: return .array((0..<below(5)).map { _ in value(depth: depth - 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<below(6) { members[string()] = value(depth: depth - 1) }
            return .object(members)
        }
    }
}
