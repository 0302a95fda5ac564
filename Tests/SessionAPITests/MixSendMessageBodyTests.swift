import Sessions
import Testing

@testable import SessionAPI

/// `POST /api/sessions/{id}/messages`, read by the codec's reader: its four keys, Mix's 400 for any other.
struct MixSendMessageBodyTests {
    private func read(_ text: String) throws -> MixSendMessageRequest {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            try JSONBody.read(
                MixSendMessageRequest.self, from: UnsafeBufferPointer(buffer), allowedKeys: MixSendMessageRequest.keys)
        }
    }

    @Test func everyKeyIsRead() throws {
        let body = try read(#"{"text":"hi \"you\"","plan_mode":true,"thinking_level":"high","max_steps":7}"#)
        #expect(body.text == #"hi "you""# && body.planMode == true && body.thinkingLevel == "high" && body.maxSteps == 7)
        let empty = try read(#"{"text":null}"#)
        #expect(empty.text == nil && empty.planMode == nil && empty.thinkingLevel == nil && empty.maxSteps == nil)
    }

    @Test func otherKeysAndWrongTypesAreRefused() {
        #expect(throws: RequestBodyError.unknownField("planMode")) { try read(#"{"text":"x","planMode":true}"#) }
        #expect(throws: RequestBodyError.malformed(reason: "max_steps: wrong type")) { try read(#"{"max_steps":"7"}"#) }
        #expect(throws: RequestBodyError.missing) { try read("") }
    }
}
