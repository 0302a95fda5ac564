import EventLog
import Foundation
@testable import Projections
import Sessions
import Testing
import TestSupport
import Workload

/// The JSON export concatenated from stored members (decision 0108) is byte for byte what the old renderer
/// wrote, at every position of the benchmark's corpus (multi-line results, partial and replaced results,
/// rewinds); the stored result literals decode back to the text.
@Suite struct ExportJSONTests {
    @Test func corpusExportsAtEveryPositionMatchTheOldRenderer() async throws {
        try await withTemporaryDirectory { dir in
            let log = try await CorpusReplayTests.corpusLog(in: dir, seed: 11, sessions: 3, turns: 8)
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            var running: [SessionID: SessionState] = [:]
            var compared = 0
            for record in try await readAll(log) {
                let id = SessionID(rawValue: record.stream)!
                let event = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
                running[id, default: .initial].apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
                for (other, state) in running {
                    let expected = try #require(SessionExport(state))
                    let json = try await store.exportJSON(other, at: .position(record.position))
                    #expect(json == LegacyExportJSON.render(expected), "\(other) as of \(record.position)")
                    // Split into 2 to 4 chunks rendered on several threads (decision 0124): the same bytes.
                    let chunks = 2 + Int(record.position.rawValue % 3)
                    let chunked = try await store.exportJSON(
                        other, at: .position(record.position),
                        rendering: ExportRendering(threads: chunks, messagesPerSegment: 1 + Int(record.position.rawValue % 2)))
                    #expect(chunked == json, "\(other) as of \(record.position) in \(chunks) chunks")
                    compared += 1
                }
            }
            #expect(compared > 100)
            #expect(running.values.contains { $0.transcript.contains(where: \.isRemoved) }, "some turn was rewound")
            // The transcript read through the stored literals still carries the results' text.
            for (id, state) in running {
                #expect(try await store.transcript(id, includeRemoved: true) == state.transcript)
            }
            await log.close()
        }
    }

    @Test func resultLiteralsRoundTripAnyText() {
        let alphabet: [String] = ["a", " ", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "😀", "/", "\u{2028}"]
        var random = SplitMix64(seed: 5)
        for length in 0..<60 {
            let text = (0..<length).map { _ in alphabet[random.int(in: 0...(alphabet.count - 1))] }.joined()
            let literal = ExportMessageJSON.literal(text)
            #expect(literal.withUnsafeBytes { JSONText.string($0) } == text, "\(text.debugDescription)")
        }
    }

    @Test func storedPartsGiveBackTheFieldsWhateverTheyHold() throws {
        let tricky = #"a","content":"b\",\"x\":1,"# + "\n\t😀 \u{01}"
        let message = MessageAppended(
            messageID: "m1", role: .assistant, text: tricky, reasoning: tricky + "r", reasoningDurationMs: 12,
            model: "m,\"x", finishReason: .toolUse,
            toolCalls: [ToolCall(id: ToolCallID(rawValue: "c1")!, name: tricky, input: #"{"a":"b,c"}"#)])
        let fields = try #require(ExportMessageJSON.fields(
            head: ExportMessageJSON.head(message), tail: ExportMessageJSON.tail(message, appendedAt: 1), hasText: true))
        #expect(fields.id == "m1" && fields.role == "assistant" && fields.text == tricky)
        #expect(fields.reasoning == tricky + "r" && fields.reasoningDurationMs == 12 && fields.model == "m,\"x")
        #expect(fields.finishReason == "tool_use")
        let call = message.toolCalls[0]
        #expect(ExportMessageJSON.call(head: ExportMessageJSON.callHead(call), type: nil) == call)
        // A missing text and an empty one render alike; the flag tells them apart.
        var silent = message
        silent.text = nil
        #expect(ExportMessageJSON.fields(head: ExportMessageJSON.head(silent), tail: "", hasText: false)?.text == nil)
        #expect(ExportMessageJSON.fields(head: #""id":"#, tail: "", hasText: true) == nil)
    }

    @Test func literalsAndMembersReadEveryEscapeAndRefuseMalformedOnes() {
        func string(_ literal: String) -> String? { Array(literal.utf8).withUnsafeBytes { JSONText.string($0) } }
        #expect(string(#""a\/b\bc\fd\u00e9\ud83d\ude00""#) == "a/b\u{08}c\u{0C}d\u{E9}😀")
        #expect(string(#""""#) == "")
        #expect(string(#""\q""#) == nil)
        #expect(string(#""\u12""#) == nil)
        #expect(string("plain") == nil)
        func members(_ text: String) -> (Bool, [String]) {
            var seen: [String] = []
            let ok = Array(text.utf8).withUnsafeBytes { JSONText.forEachMember($0) { key, value in seen.append("\(key)=\(value)") } }
            return (ok, seen)
        }
        #expect(members(#""a":"x,\"y","b":-12,"c":true,"d":1.5"#) == (true, [#"a=string("x,\"y")"#, "b=integer(-12)", "c=other", "d=other"]))
        #expect(members("").0)
        #expect(!members(#""a":"#).0)
        #expect(!members(#""a":1,"#).0)
        #expect(!members(#""a" 1"#).0)
    }
}
