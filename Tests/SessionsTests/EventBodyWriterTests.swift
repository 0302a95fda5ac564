import Foundation
import Testing
import Workload

@testable import Sessions

/// The hand-written `message.appended` body against `JSONEncoder` with the event settings: the same bytes.
struct EventBodyWriterTests {
    private func expectSameBytes(_ message: MessageAppended, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = try #require(try message.bodyJSON(), sourceLocation: sourceLocation)
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
                item: .object(["role": .string("assistant"), "content": .number(3)])))
        try expectSameBytes(MessageAppended(messageID: "m", role: .user))
        for number in [0.1 + 0.2, 1e-7, 1e21, 123_456_789.125, -0.0, 5e-324, 1.7976931348623157e308, 100, 0.5] {
            try expectSameBytes(MessageAppended(messageID: "m", role: .assistant, cost: number, latencyMs: -number))
        }
    }

    @Test func aNumberNoJSONHoldsIsLeftToTheEncoder() throws {
        #expect(try MessageAppended(messageID: "m", role: .assistant, cost: .nan).bodyJSON() == nil)
        #expect(throws: SessionError.self) {
            try SessionEvent.messageAppended(MessageAppended(messageID: "m", role: .assistant, latencyMs: .infinity)).encoded()
        }
    }
}
