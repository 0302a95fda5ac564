import Sessions
import Testing

@testable import SessionAPI

/// The append bodies, read by the codec's reader instead of `JSONDecoder`: every field, the same errors.
struct NativeAppendBodyTests {
    private func read<T: JSONReadable>(_ text: String, as type: T.Type, allowedKeys: Set<String>? = nil) throws -> T {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            try JSONBody.read(type, from: UnsafeBufferPointer(buffer), allowedKeys: allowedKeys)
        }
    }

    private func failure<T: JSONReadable>(_ text: String, as type: T.Type, allowedKeys: Set<String>? = nil)
        -> RequestBodyError?
    {
        do {
            _ = try read(text, as: type, allowedKeys: allowedKeys)
            return nil
        } catch {
            return error as? RequestBodyError
        }
    }

    @Test func aMessageReadsEveryField() throws {
        let body = try read(
            #"""
            {"type":"message","role":"assistant","messageId":"m-1","text":"hi","reasoning":"r","reasoningDurationMs":7,
             "model":"m","finishReason":"end_turn","inputTokens":3638,"outputTokens":514,"cacheCreationTokens":1,
             "cacheReadTokens":3828,"cost":0.001,"latencyMs":8687.5,"unknown":{"x":[1,2]},
             "toolCalls":[{"id":"t-1","name":"bash","input":"{\"cmd\":\"ls\"}","type":"function"},{"id":"t-2"}],
             "metadata":{"k":"v"},"item":{"role":"assistant","content":[1,null,true]}}
            """#, as: NativeActivityRequest.self)
        #expect(body.type == "message" && body.role == "assistant" && body.messageId == "m-1")
        #expect(body.text == "hi" && body.reasoning == "r" && body.reasoningDurationMs == 7 && body.model == "m")
        #expect(body.finishReason == "end_turn" && body.inputTokens == 3638 && body.outputTokens == 514)
        #expect(body.cacheCreationTokens == 1 && body.cacheReadTokens == 3828 && body.cost == 0.001)
        #expect(body.latencyMs == 8687.5)
        #expect(body.toolCalls?.map(\.id) == ["t-1", "t-2"] && body.toolCalls?.first?.input == #"{"cmd":"ls"}"#)
        #expect(body.toolCalls?.first?.type == "function" && body.toolCalls?.last?.name == nil)
        #expect(body.metadata == .object(["k": .string("v")]))
        #expect(body.item == .object(["role": .string("assistant"), "content": .array([.number(1), .null, .bool(true)])]))
        // The unknown key's value was skipped whole; the activity is refused for it (decision 0163), so the
        // command is read from the rest.
        #expect(body.unknownKey == "unknown")
        var known = body
        known.unknownKey = nil
        guard case .appendMessage(let message) = try known.command(for: SessionID(rawValue: "s")!) else {
            Issue.record("not a message")
            return
        }
        #expect(message.toolCalls.map(\.name) == ["bash", ""] && message.inputTokens == 3638)
    }

    @Test func theOtherActivitiesReadTheirFields() throws {
        let result = try read(
            #"{"type":"callback_result","toolCallId":"t","toolName":"n","callbackName":"c","callbackType":"bash_script","#
                + #""stdout":"o","stderr":"e","exitCode":2,"subagentId":"s2","subagentResult":"r","success":true,"#
                + #""error":null,"excludeFromContext":true,"subagentCost":1.5,"result":"x","isError":false,"#
                + #""screenshotUrls":["u"],"finished":false,"beforeMessageId":"b","delta":{"a":1}}"#,
            as: NativeActivityRequest.self)
        #expect(result.toolCallId == "t" && result.toolName == "n" && result.callbackName == "c")
        #expect(result.callbackType == "bash_script" && result.stdout == "o" && result.stderr == "e")
        #expect(result.exitCode == 2 && result.subagentId == "s2" && result.subagentResult == "r")
        #expect(result.success == true && result.error == nil && result.excludeFromContext == true)
        #expect(result.subagentCost == 1.5 && result.result == "x" && result.isError == false)
        #expect(result.screenshotUrls == ["u"] && result.finished == false && result.beforeMessageId == "b")
        #expect(result.delta == .object(["a": .number(1)]))
    }

    @Test func badBodiesAreRefusedWithTheirPath() {
        #expect(failure("", as: NativeActivityRequest.self) == .missing)
        #expect(failure(" \n", as: NativeActivityRequest.self) == .missing)
        #expect(failure("{\"type\":", as: NativeActivityRequest.self) == .malformed(reason: "the body is not valid JSON"))
        #expect(failure("[]", as: NativeActivityRequest.self) == .malformed(reason: "body: wrong type"))
        #expect(
            failure(#"{"toolCalls":[{"id":"a"},{"id":5}]}"#, as: NativeActivityRequest.self)
                == .malformed(reason: "toolCalls[1].id: wrong type"))
        #expect(
            failure(#"{"inputTokens":1.5}"#, as: NativeActivityRequest.self)
                == .malformed(reason: "the body holds a number or date out of range"))
        var invalid = Array(#"{"text":""#.utf8) + [0xFF] + Array(#""}"#.utf8)
        let utf8 = invalid.withUnsafeMutableBufferPointer { buffer in
            Result { try JSONBody.read(NativeActivityRequest.self, from: UnsafeBufferPointer(buffer)) }
        }
        #expect(throws: RequestBodyError.malformed(reason: "the body is not valid UTF-8")) { try utf8.get() }
    }

    /// An activity's unknown key, or a tool call's, refuses it (decision 0163): `content` for `text` must not append
    /// a message without its text, nor `arguments` for `input` a call without its input.
    @Test func anActivityRefusesUnknownKeys() throws {
        let typo = try read(#"{"type":"message","role":"user","content":"hi","zeta":1}"#, as: NativeActivityRequest.self)
        #expect(typo.unknownKey == "content")
        #expect(throws: RequestBodyError.invalidParameter(name: "content", reason: "unknown field")) {
            try typo.command(for: "s")
        }
        let call = try read(
            #"{"type":"message","role":"assistant","toolCalls":[{"id":"c1","name":"n","arguments":"{}"}]}"#,
            as: NativeActivityRequest.self)
        #expect(
            throws: RequestBodyError.invalidParameter(name: "toolCalls[0].arguments", reason: "unknown field")
        ) { try call.command(for: "s") }
        let known = try read(#"{"type":"message","role":"user","text":"hi"}"#, as: NativeActivityRequest.self)
        #expect(known.unknownKey == nil)
        _ = try known.command(for: "s")
    }

    @Test func batchBodiesRefuseUnknownKeys() throws {
        let keys = NativeActivityBatchRequest.keys
        #expect(try read(#"{"items":[{"type":"finish"}]}"#, as: NativeActivityBatchRequest.self, allowedKeys: keys).items.count == 1)
        #expect(failure(#"{"items":[],"zz":1,"extra":2}"#, as: NativeActivityBatchRequest.self, allowedKeys: keys) == .unknownField("extra"))
        #expect(failure(#"{}"#, as: NativeActivityBatchRequest.self, allowedKeys: keys) == .malformed(reason: "missing field 'items'"))
        #expect(failure(#"[1]"#, as: NativeActivityBatchRequest.self, allowedKeys: keys) == .malformed(reason: "the body must be a JSON object"))

        let appends = try read(
            #"{"appends":[{"sessionId":"a","items":[],"expectedVersion":3,"idempotencyKey":"k"},"#
                + #"{"sessionId":"b","items":[{"type":"pop"}],"expectedVerison":3,"another":null}]}"#,
            as: NativeAppendsRequest.self, allowedKeys: NativeAppendsRequest.keys
        ).appends
        #expect(appends.map(\.sessionId) == ["a", "b"] && appends[0].expectedVersion == 3)
        #expect(appends[0].idempotencyKey == "k" && appends[0].unknownKey == nil)
        #expect(appends[1].unknownKey == "another" && appends[1].items.first?.type == "pop")
        #expect(
            failure(#"{"appends":[{"items":[]}]}"#, as: NativeAppendsRequest.self)
                == .malformed(reason: "appends[0]: missing field 'sessionId'"))
    }

    @Test func aByteOrderMarkIsSkippedAsFoundationDid() throws {
        let body = try read("\u{FEFF}" + #"{"type":"finish","finishReason":"stop"}"#, as: NativeActivityRequest.self)
        #expect(body.type == "finish" && body.finishReason == "stop")
        #expect(failure("\u{FEFF}", as: NativeActivityRequest.self) != nil)
    }

    @Test func duplicateKeysInAnyOrderKeepTheFirst() throws {
        let body = try read(
            #"{"type":"message","text":"first","role":"user","text":"second","metadata":{"b":1,"a":2,"b":3}}"#,
            as: NativeActivityRequest.self)
        #expect(body.text == "first" && body.role == "user")
        #expect(body.metadata == .object(["b": .number(1), "a": .number(2)]))
    }

    /// A client's keys in descending order once made the reader compare each key with every earlier one: minutes of
    /// CPU for a body within the size limit. Now each object is read in linear time.
    @Test(.timeLimit(.minutes(1))) func manyKeysInDescendingOrderAreReadInLinearTime() throws {
        let count = 200_000
        let members = (0..<count).reversed().map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let body = try read(#"{"type":"finish","metadata":{"# + members + ",\"k7\":-1}}", as: NativeActivityRequest.self)
        guard case .object(let metadata) = body.metadata else {
            Issue.record("no metadata")
            return
        }
        #expect(metadata.count == count && metadata["k7"] == .number(7))
    }
}
