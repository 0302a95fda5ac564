import Foundation
import Sessions
import Testing

@testable import SessionAPI

/// The hand-written answer to an append says what `JSONEncoder` said: same keys, same order, same values.
struct NativeAppendResponseTests {
    @Test func anAppendAnswersItsPositionsEventsAndVersion() {
        let answer = NativeAppendResponse(
            sessionId: "s-1", version: 12, positions: [40, 41], events: ["message.appended", "tool.called"],
            deduplicated: false)
        #expect(
            String(decoding: answer.json(), as: UTF8.self)
                == #"{"sessionId":"s-1","version":12,"positions":[40,41],"events":["message.appended","tool.called"],"deduplicated":false}"#
        )
    }

    @Test func removedItemsAndCharactersToEscapeAreWrittenAsJSON() throws {
        let answer = NativeAppendResponse(
            sessionId: "a\"b\\c/d", version: 3, positions: [], events: [], deduplicated: true,
            removedItems: [.object(["role": .string("user"), "n": .number(1)])])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.json())) as? [String: Any])
        #expect(object["sessionId"] as? String == "a\"b\\c/d")
        #expect(object["deduplicated"] as? Bool == true)
        #expect((object["positions"] as? [Any])?.isEmpty == true)
        let removed = try #require(object["removedItems"] as? [[String: Any]])
        #expect(removed.first?["role"] as? String == "user")
        #expect(removed.first?["n"] as? Int == 1)
    }

    @Test func aBatchAnswersEachOutcomeWithItsStatusFirst() {
        let written = NativeAppendResponse(
            sessionId: "s-1", version: 2, positions: [7], events: ["message.appended"], deduplicated: false)
        let retried = NativeAppendResponse(
            sessionId: "s-2", version: 5, positions: [], events: [], deduplicated: true, removedItems: [.null])
        let refused = APIError(status: .conflict, code: "version_conflict", message: "expected 3, at 4", field: "expectedVersion")
        let answer = NativeAppendsResponse(results: [
            .written(written), .written(retried), NativeAppendOutcome(sessionId: "s-3", error: refused),
        ])
        #expect(
            String(decoding: answer.json(), as: UTF8.self)
                == #"{"results":[{"status":201,"sessionId":"s-1","version":2,"positions":[7],"events":["message.appended"],"deduplicated":false},"#
                + #"{"status":200,"sessionId":"s-2","version":5,"positions":[],"events":[],"deduplicated":true,"removedItems":[null]},"#
                + #"{"status":409,"sessionId":"s-3","error":{"status":409,"code":"version_conflict","message":"expected 3, at 4","field":"expectedVersion"}}]}"#
        )
    }
}
