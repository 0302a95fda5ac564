import Foundation
import Sessions
import Testing
import Workload

/// The event reader (`SessionEvent.decode`) against Foundation's `JSONDecoder`: every body decodes to the same
/// event, and every bad body fails with the same reason.
struct EventBodyReaderTests {
    @Test func everyEventOfAGeneratedCorpusDecodesAsJSONDecoderDecodesIt() throws {
        var corpus = SessionCorpus(seed: 11)
        var compared: [EventType: Int] = [:]
        for number in 0..<60 {
            let id = SessionCorpus.sessionID(number)
            var events = [SessionCorpus.creation(session: id, number: number)]
            for turn in 0..<25 { events += corpus.turn(session: id, turn: turn) }
            for event in events {
                let encoded = try event.encoded()
                let type = try #require(EventType(rawValue: encoded.type))
                let read = Self.read(type, body: encoded.body)
                #expect(read == FoundationEventDecoder.decode(type, body: encoded.body))
                #expect(read == .event(event))
                compared[type, default: 0] += 1
            }
        }
        #expect(compared.values.reduce(0, +) > 2000)
        #expect(compared[.messageAppended, default: 0] > 500)
        #expect(compared[.toolResultRecorded, default: 0] > 100)
    }

    @Test(arguments: EventSamples.all)
    func everySampleDecodesAsJSONDecoderDecodesIt(_ event: SessionEvent) throws {
        let encoded = try event.encoded()
        let type = try #require(EventType(rawValue: encoded.type))
        #expect(Self.read(type, body: encoded.body) == FoundationEventDecoder.decode(type, body: encoded.body))
    }

    /// Hand-written bodies, good and bad: both decoders agree on each.
    @Test(arguments: Self.edgeCases)
    func anEdgeCaseDecodesAsJSONDecoderDecodesIt(_ type: EventType, _ body: String) {
        let bytes = Array(body.utf8)
        #expect(Self.read(type, body: bytes) == FoundationEventDecoder.decode(type, body: bytes), "\(body)")
    }

    @Test(arguments: [
        [0xFF],  // not UTF-8 at all
        [0xC3],  // a truncated two-byte sequence
        [0xED, 0xA0, 0x80],  // an encoded surrogate
    ] as [[UInt8]])
    func invalidUTF8IsRejectedAsJSONDecoderRejectsIt(_ bad: [UInt8]) {
        let good = Array(#"{"messageId":"m1","role":"user","toolCalls":[],"text":"a"#.utf8)
        let escape = Array(#"\n"#.utf8)
        for body in [
            good + bad + Array(#""}"#.utf8), good + Array(#"","x":"#.utf8) + bad + Array(#""}"#.utf8),
            // in a string with escapes, before and after one
            good + escape + bad + Array(#""}"#.utf8), good + bad + escape + Array(#""}"#.utf8),
        ] {
            #expect(Self.read(.messageAppended, body: body) == FoundationEventDecoder.decode(.messageAppended, body: body))
        }
    }

    /// Strings are scanned eight bytes at a time: a quote, an escape, a control character or a non-ASCII byte
    /// at every offset of a word, and runs of every length, read as `JSONDecoder` reads them.
    @Test func specialBytesAtEveryOffsetReadAsJSONDecoderReadsThem() {
        for special in [#"\""#, #"\n"#, #"\u00e9"#, "é", "\t", "\u{01}", "\u{1F}", "\u{7F}"] {
            for length in 0..<20 {
                for offset in 0...length {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: offset))
                    let body = Array(#"{\#(Self.message),"text":"\#(text)"}"#.utf8)
                    #expect(
                        Self.read(.messageAppended, body: body)
                            == FoundationEventDecoder.decode(.messageAppended, body: body), "\(text)")
                }
            }
        }
    }

    @Test func deepNestingIsRejectedAsJSONDecoderRejectsIt() {
        for depth in [500, 511, 512, 513, 600] {
            let item = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let body = Array(#"{"messageId":"m1","role":"user","toolCalls":[],"item":\#(item)}"#.utf8)
            #expect(
                Self.read(.messageAppended, body: body) == FoundationEventDecoder.decode(.messageAppended, body: body),
                "depth \(depth)")
        }
    }

    @Test func theReadValuesAreTheExpectedOnes() throws {
        let body = #"""
            {"messageId":"m\u0031","role":"assistant","text":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n","toolCalls":[
            {"id":"c1","input":"{\"path\":\"/tmp/a b\",\"n\":[1,2.5,null]}","name":"Read"}],
            "inputTokens":9223372036854775807,"cost":0.1,"latencyMs":1e3,"item":{"a":[1,null,true]},"future":{"x":[]}}
            """#
        let event = try SessionEvent.decode(type: "message.appended", schemaVersion: 1, body: Array(body.utf8))
        guard case .messageAppended(let message) = event else {
            Issue.record("expected a message")
            return
        }
        #expect(message.messageID == "m1")
        #expect(message.text == "café 😀 \"q\" \\ / \n")
        #expect(message.toolCalls == [ToolCall(id: "c1", name: "Read", input: #"{"path":"/tmp/a b","n":[1,2.5,null]}"#)])
        #expect(message.inputTokens == Int.max)
        #expect(message.cost == 0.1)
        #expect(message.latencyMs == 1000)
        #expect(message.item == .object(["a": .array([.number(1), .null, .bool(true)])]))
    }

    private static func read(_ type: EventType, body: [UInt8]) -> DecodeOutcome {
        do throws(SessionError) {
            return .event(try SessionEvent.decode(type: type.rawValue, schemaVersion: 1, body: body))
        } catch {
            guard case .undecodableEvent(_, _, let reason) = error else { return .rejected("\(error)") }
            return .rejected(reason)
        }
    }

    private static let message = #""messageId":"m1","role":"user","toolCalls":[]"#

    static let edgeCases: [(EventType, String)] = [
        // Strings: escapes, \u escapes, surrogate pairs (and broken ones), raw UTF-8, control characters.
        (.messageAppended, #"{\#(message),"text":"a\"b\\c\/d\b\f\n\r\t"}"#),
        (.messageAppended, #"{\#(message),"text":"caf\u00e9 \u4E2D \u0000 end"}"#),
        (.messageAppended, #"{\#(message),"text":"café 中 😀"}"#),
        (.messageAppended, #"{\#(message),"text":"\ud83d\ude00\uD83D\uDE00"}"#),
        (.messageAppended, #"{\#(message),"text":"\ud83d"}"#),
        (.messageAppended, #"{\#(message),"text":"\ud83dx"}"#),
        (.messageAppended, #"{\#(message),"text":"\ud83d\u0041"}"#),
        (.messageAppended, #"{\#(message),"text":"\ude00"}"#),
        (.messageAppended, #"{\#(message),"text":"\u12"}"#),
        (.messageAppended, #"{\#(message),"text":"\uZZZZ"}"#),
        (.messageAppended, #"{\#(message),"text":"\x"}"#),
        (.messageAppended, "{\(message),\"text\":\"tab\there\"}"),
        (.messageAppended, "{\(message),\"text\":\"line\nbreak\"}"),
        (.messageAppended, #"{\#(message),"text":"unterminated}"#),
        // Escaped strings: an escaped backslash before the closing quote, an escaped quote, escapes shrinking the
        // text by every amount, and a string that ends the body inside an escape or after an escaped quote.
        (.messageAppended, #"{\#(message),"text":"a\\"}"#),
        (.messageAppended, #"{\#(message),"text":"\\\"x\"\\"}"#),
        (.messageAppended, #"{\#(message),"text":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\ud83d\ude00"}"#),
        (.messageAppended, #"{\#(message),"text":"\u4E2D\u4E2D\u4E2D\u4E2D\u4E2D\u4E2D\n"}"#),
        // long enough that the text is copied out of its oversized storage (more than 64 bytes of slack)
        (.messageAppended, "{\(message),\"text\":\"" + String(repeating: #"\u0041\u00e9"#, count: 40) + "\"}"),
        // An escaped string's storage is sized by the rest of a body up to 16 KiB, past that by its closing quote:
        // both, with much of the body after the string, and unterminated.
        (.messageAppended, #"{\#(message),"text":"a\nb","future":""# + String(repeating: "x", count: 10_000) + #""}"#),
        (.messageAppended, #"{\#(message),"text":"a\nb","future":""# + String(repeating: "x", count: 20_000) + #""}"#),
        (.messageAppended, #"{\#(message),"text":"a\nb"# + String(repeating: "x", count: 10_000) + "}"),
        (.messageAppended, #"{\#(message),"text":"a\nb"# + String(repeating: "x", count: 20_000) + "}"),
        // The same edge cases on both paths: the rest of the body from the string's start at the 16 KiB bound (4 bytes
        // of escaped text, x's, the closing quote and brace) and one byte past it, an escaped
        // backslash before the quote, a surrogate pair and escaped quotes with a long body after them, and long
        // strings that end the body inside an escape or after an escaped quote.
        (.messageAppended, #"{\#(message),"text":"a\nb"# + String(repeating: "x", count: 16_378) + #""}"#),
        (.messageAppended, #"{\#(message),"text":"a\nb"# + String(repeating: "x", count: 16_379) + #""}"#),
        (.messageAppended, #"{\#(message),"text":"a\\","future":""# + String(repeating: "x", count: 20_000) + #""}"#),
        (.messageAppended, #"{\#(message),"text":"\ud83d\ude00\"q\"","future":""# + String(repeating: "x", count: 20_000) + #""}"#),
        (.messageAppended, #"{\#(message),"text":""# + String(repeating: "x", count: 20_000) + #"a\u00"#),
        (.messageAppended, #"{\#(message),"text":""# + String(repeating: "x", count: 20_000) + #"a\""#),
        (.messageAppended, #"{\#(message),"text":"a\"#),
        (.messageAppended, #"{\#(message),"text":"a\""#),
        (.messageAppended, #"{\#(message),"text":"a\u00"#),
        // Keys: escaped, duplicated, unknown with any value.
        (.messageAppended, #"{"message\u0049d":"m1","role":"user","toolCalls":[]}"#),
        (.messageAppended, #"{\#(message),"text":"a","text":"b"}"#),
        (.messageAppended, #"{\#(message),"text":"a","text":null}"#),
        (.messageAppended, #"{\#(message),"future":{"a":[1,{"b":null}],"c":"\u0041","d":-1.5e-3,"e":true}}"#),
        (.messageAppended, #"{\#(message),"future":[]}"#),
        // Whitespace and structure.
        (.messageAppended, " \n\t{ \"messageId\" : \"m1\" ,\r\n \"role\":\"user\", \"toolCalls\" : [ ] } \n"),
        (.messageAppended, #"{\#(message)} x"#),
        (.messageAppended, #"{\#(message),}"#),
        (.messageAppended, #"{\#(message),"toolCalls":[,]}"#),
        (.messageAppended, #"{"toolCalls":[],"role":"user","messageId":"m1","role":"tool"}"#),
        (.messageAppended, #"{"toolCalls":[],"role":"user","text":"a","messageId":"m1","text":5}"#),
        (.messageAppended, #"{\#(message),"item":{"b":1,"a":2,"b":3,"a":4}}"#),
        (.messageAppended, #"{\#(message),"item":[1,2,]}"#),
        (.messageAppended, #"{\#(message),"item":{"a":1,,}}"#),
        (.messageAppended, #"{,}"#),
        (.messageAppended, #"{\#(message)"#),
        (.messageAppended, #"{"messageId":"m1" "role":"user","toolCalls":[]}"#),
        (.messageAppended, #"{\#(message),"inputTokens":"x","z":tru}"#),
        (.messageAppended, "[]"),
        (.messageAppended, "null"),
        (.messageAppended, "\"text\""),
        (.messageAppended, "12"),
        (.messageAppended, ""),
        (.messageAppended, "   "),
        (.messageAppended, "{} {}"),
        // Integers.
        (.messageAppended, #"{\#(message),"inputTokens":9223372036854775807}"#),
        (.messageAppended, #"{\#(message),"inputTokens":-9223372036854775808}"#),
        (.messageAppended, #"{\#(message),"inputTokens":9223372036854775808}"#),
        (.messageAppended, #"{\#(message),"inputTokens":-9223372036854775809}"#),
        (.messageAppended, #"{\#(message),"inputTokens":1.0}"#),
        (.messageAppended, #"{\#(message),"inputTokens":1e2}"#),
        (.messageAppended, #"{\#(message),"inputTokens":1E+2}"#),
        (.messageAppended, #"{\#(message),"inputTokens":1.5}"#),
        (.messageAppended, #"{\#(message),"inputTokens":-0}"#),
        (.messageAppended, #"{\#(message),"inputTokens":01}"#),
        (.messageAppended, #"{\#(message),"inputTokens":+1}"#),
        (.messageAppended, #"{\#(message),"inputTokens":true}"#),
        (.messageAppended, #"{\#(message),"inputTokens":"12"}"#),
        // Doubles.
        (.messageAppended, #"{\#(message),"cost":0.1,"latencyMs":1234.5}"#),
        (.messageAppended, #"{\#(message),"cost":0.30000000000000004,"latencyMs":1e-7}"#),
        (.messageAppended, #"{\#(message),"cost":123456789012345678901234567890,"latencyMs":5e-324}"#),
        (.messageAppended, #"{\#(message),"cost":1.7976931348623157e308,"latencyMs":-0.0}"#),
        (.messageAppended, #"{\#(message),"cost":0.000001234567890123456789}"#),
        (.messageAppended, #"{\#(message),"cost":9007199254740993}"#),
        (.messageAppended, #"{\#(message),"cost":1e400}"#),
        (.messageAppended, #"{\#(message),"cost":.5}"#),
        (.messageAppended, #"{\#(message),"cost":1.}"#),
        (.messageAppended, #"{\#(message),"cost":1e}"#),
        (.messageAppended, #"{\#(message),"cost":-}"#),
        (.messageAppended, #"{\#(message),"cost":NaN}"#),
        // Nulls and missing keys.
        (.messageAppended, #"{\#(message),"text":null,"metadata":null,"item":null,"finishReason":null}"#),
        (.messageAppended, #"{"messageId":"m1","role":"user","toolCalls":null}"#),
        (.messageAppended, #"{"messageId":null,"role":"user","toolCalls":[]}"#),
        (.messageAppended, #"{"messageId":"m1","role":"user"}"#),
        (.messageAppended, #"{"role":"user","toolCalls":[]}"#),
        (.messageAppended, #"{"messageId":"","role":"user","toolCalls":[]}"#),
        (.messageAppended, #"{"messageId":"a\u0000b","role":"user","toolCalls":[]}"#),
        (.messageAppended, #"{"messageId":"m1","role":"robot","toolCalls":[]}"#),
        (.messageAppended, #"{\#(message),"finishReason":""}"#),
        (.messageAppended, #"{\#(message),"finishReason":"something_new"}"#),
        // Tool calls with JSON input, and broken ones.
        (.messageAppended,
         #"{"messageId":"m1","role":"assistant","toolCalls":[{"id":"c1","name":"Edit","input":"{\"old\":\"a\\nb\",\"new\":\"\\u00e9\"}","type":"function"},{"id":"c2","name":"Bash","input":"{}"}]}"#),
        (.messageAppended, #"{"messageId":"m1","role":"assistant","toolCalls":[{"id":"c1","name":"Edit"}]}"#),
        (.messageAppended, #"{"messageId":"m1","role":"assistant","toolCalls":[{"id":"c1","name":"E","input":"{}"},{"id":"","name":"E","input":"{}"}]}"#),
        (.messageAppended, #"{"messageId":"m1","role":"assistant","toolCalls":[{"id":"c1","name":"E","input":{}}]}"#),
        (.messageAppended, #"{"messageId":"m1","role":"assistant","toolCalls":{}}"#),
        // Free-form values.
        (.messageAppended, #"{\#(message),"item":[1,"a",true,null,{"k":1.5,"l":[]}],"metadata":{"a":{"b":[]}}}"#),
        (.messageAppended, #"{\#(message),"item":12345678901234567890}"#),
        (.messageAppended, #"{\#(message),"item":1e400}"#),
        (.messageAppended, #"{\#(message),"item":{"k":1,"k":2}}"#),
        (.messageAppended, #"{\#(message),"metadata":[]}"#),
        (.messageAppended, #"{\#(message),"metadata":{"x":1e400}}"#),
        // A fork's copy names its source; an empty or non-string source is refused as any id is.
        (.messageAppended, #"{\#(message),"copiedFrom":"s-0"}"#),
        (.messageAppended, #"{\#(message),"copiedFrom":null}"#),
        (.messageAppended, #"{\#(message),"copiedFrom":""}"#),
        (.messageAppended, #"{\#(message),"copiedFrom":7}"#),
        // The other event types.
        (.sessionCreated,
         #"{"sessionId":"s1","namespace":"default","origin":"mixpeek","promptMode":"default","browserMode":"local-browser-service","sessionType":"main","callbacks":[{"toolName":"Bash","type":"bash_script","bashTimeout":5}],"agentConfig":{"model":"m","temperature":1,"maxTokens":10,"availableTools":["a"]},"quotas":{"maxMessages":3},"userMemory":{"k":"v"},"expiresAt":"2026-01-01T00:00:00Z","forkedFrom":{"sessionId":"s0","position":18446744073709551615}}"#),
        (.sessionCreated,
         #"{"sessionId":"s1","namespace":"default","origin":"mix","promptMode":"default","browserMode":"local-browser-service","sessionType":"main","callbacks":[],"expiresAt":"2026-01-01T01:00:00+01:00"}"#),
        (.sessionCreated,
         #"{"sessionId":"s1","namespace":"default","origin":"mix","promptMode":"default","browserMode":"local-browser-service","sessionType":"main","callbacks":[],"expiresAt":"2026-01-01"}"#),
        (.sessionCreated,
         #"{"sessionId":"s1","namespace":"default","origin":"mix","promptMode":"default","browserMode":"local-browser-service","sessionType":"main","callbacks":[],"expiresAt":"2026-01-01T00:00:00.500Z"}"#),
        (.sessionCreated,
         #"{"sessionId":"s1","namespace":"default","origin":"mix","promptMode":"default","browserMode":"local-browser-service","sessionType":"main","callbacks":[{"type":"bash_script"}]}"#),
        (.sessionCreated,
         #"{"sessionId":"s1","namespace":"default","origin":"mix","promptMode":"default","browserMode":"local-browser-service","sessionType":"main","callbacks":[],"agentConfig":{"model":"m","maxTokens":10}}"#),
        (.sessionCreated,
         #"{"sessionId":"s1","namespace":"default","origin":"mix","promptMode":"default","browserMode":"local-browser-service","sessionType":"main","callbacks":[],"forkedFrom":{"sessionId":"s0","position":-1}}"#),
        (.sessionTitleChanged, #"{"title":"T\u00edtulo"}"#),
        (.sessionTitleChanged, #"{"title":5}"#),
        (.toolResultRecorded, #"{"finished":true,"isError":false,"messageId":"t1","result":"ok","screenshotUrls":[],"toolCallId":"c1"}"#),
        (.toolResultRecorded, #"{"isError":false,"messageId":"t1","result":"ok","screenshotUrls":[],"toolCallId":"c1"}"#),
        (.toolResultRecorded, #"{"finished":true,"isError":false,"messageId":"t1","result":"ok","screenshotUrls":["a",1],"toolCallId":"c1"}"#),
        (.toolResultRecorded, #"{"finished":1,"isError":false,"messageId":"t1","result":"ok","screenshotUrls":[],"toolCallId":"c1"}"#),
        (.callbackResultRecorded,
         #"{"messageId":"m1","toolCallId":"c1","toolName":"Bash","callbackType":"bash_script","exitCode":-2,"success":true,"excludeFromContext":false,"subagentCost":0.25}"#),
        (.callbacksReplaced, #"{"callbacks":[{"toolName":"Bash","type":"send_message","messageContent":"hi"}]}"#),
        (.userMemoryUpdated, #"{"userMemory":{}}"#),
        (.userMemoryUpdated, #"{"userMemory":null}"#),
        (.sessionRewound, #"{"toMessageId":"m1","removedMessageIds":["m2","m3"],"cleanupMedia":true}"#),
        (.sessionRewound, #"{"toMessageId":"m1","removedMessageIds":["m2",""],"cleanupMedia":true}"#),
        (.processingStarted, #"{"planMode":false,"thinkingLevel":"medium","maxSteps":3}"#),
        (.processingStarted, #"{"planMode":1}"#),
        (.processingStarted, #"{}"#),
        (.processingCancelled, #"{"reason":"user_api_cancellation"}"#),
        (.processingFinished, #"{}"#),
        (.processingFinished, #"{"finishReason":"end_turn","error":null}"#),
        (.sessionArchived, #"{}"#),
        (.sessionTerminated, #"{}"#),
        (.sessionTerminated, #"{"x":[1]}"#),
        (.sessionTerminated, #"[]"#),
        (.sessionTerminated, #"null"#),
        (.fileAdded, #"{"fileId":"f1","name":"a.txt","byteCount":12,"sha256":"ab"}"#),
        (.fileRemoved, #"{"fileId":"f1","reason":"bogus"}"#),
        (.fileRemoved, #"{"fileId":"f1","reason":"rewind_cleanup"}"#),
        (.sessionDeleted, #"{"sessionId":"s1","namespace":"n"}"#),
        (.eventErased, #"{"erasedType":"message.appended","erasedSchemaVersion":1}"#),
        (.eventErased, #"{"erasedType":"message.appended","erasedSchemaVersion":70000}"#),
        (.eventErased, #"{"erasedType":"message.appended","erasedSchemaVersion":-1}"#),
        (.sessionForked, #"{"forkSessionId":"s2","position":18446744073709551615,"messageCount":2}"#),
        (.sessionForked, #"{"forkSessionId":"s2","position":18446744073709551616,"messageCount":2}"#),
        (.messagesRemoved, #"{"removedMessageIds":["m1"],"reason":"pop"}"#),
        (.stateUpdated, #"{"delta":{"app:x":1,"user:y":"z","k":[null]}}"#),
    ]
}
