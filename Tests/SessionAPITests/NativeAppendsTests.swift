import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SessionAPI

/// `POST /v1/events/batch`: appends for many sessions in one request, each answered on its own.
struct NativeAppendsTests {
    static func item(_ text: String) -> String {
        #"{"type":"message","role":"user","text":"\#(text)","item":{"role":"user","content":"\#(text)"}}"#
    }

    func results(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(response.json["results"] as? [[String: Any]])
    }

    @Test func eachAppendIsAnsweredOnItsOwn() async throws {
        try await withTestApplication { client in
            let routes = NativeRoutesTests()
            let first = try await routes.makeSession(client)
            let second = try await routes.makeSession(client)
            let body = #"""
                {"appends":[
                  {"sessionId":"\#(first)","items":[\#(Self.item("a1"))],"idempotencyKey":"k-a1"},
                  {"sessionId":"nope","items":[\#(Self.item("x"))]},
                  {"sessionId":"\#(second)","items":[\#(Self.item("b1"))],"expectedVersion":7},
                  {"sessionId":"\#(second)","items":[\#(Self.item("b2"))],"expectedVersion":1},
                  {"sessionId":"\#(first)","items":[\#(Self.item("a2")),\#(Self.item("a3"))]},
                  {"sessionId":"\#(first)","items":[{"type":"message","role":"robot"}]}
                ]}
                """#
            let response = try await client.execute(uri: "/v1/events/batch", method: .post, body: jsonBody(body))
            #expect(response.status == .ok)
            let outcomes = try results(response)
            #expect(outcomes.map { $0["status"] as? Int } == [201, 404, 409, 201, 201, 400])
            #expect(outcomes.map { $0["sessionId"] as? String } == [first, "nope", second, second, first, first])
            // Appends to one session run in the order listed.
            #expect(outcomes[0]["version"] as? Int == 2)
            #expect(outcomes[4]["version"] as? Int == 4)
            #expect(outcomes[3]["version"] as? Int == 2)
            #expect((outcomes[2]["error"] as? [String: Any])?["code"] as? String == "wrong_expected_version")
            #expect((outcomes[5]["error"] as? [String: Any])?["field"] as? String == "items[0].role")

            let items = try await client.execute(uri: "/v1/sessions/\(first)/items", method: .get)
            let texts = (items.json["items"] as? [[String: Any]])?.compactMap { ($0["item"] as? [String: Any])?["content"] as? String }
            #expect(texts == ["a1", "a2", "a3"])

            // A retry of the keyed append appends nothing and answers the first result.
            let retry = try await client.execute(
                uri: "/v1/events/batch", method: .post,
                body: jsonBody(#"{"appends":[{"sessionId":"\#(first)","items":[\#(Self.item("a1"))],"idempotencyKey":"k-a1"}]}"#))
            let again = try results(retry)
            #expect(again.first?["status"] as? Int == 200)
            #expect(again.first?["deduplicated"] as? Bool == true)
            #expect(again.first?["positions"] as? [Int] == outcomes[0]["positions"] as? [Int])
            let events = try await client.execute(uri: "/v1/sessions/\(first)/events", method: .get)
            #expect(events.jsonArray.count == 4)
        }
    }

    @Test func aMalformedRequestAppendsNothing() async throws {
        try await withTestApplication { client in
            let id = try await NativeRoutesTests().makeSession(client)
            for body in [#"{"appends":[]}"#, #"{"appends":[{"items":[]}]}"#, #"{"appends":[],"extra":1}"#, "[1]"] {
                let refused = try await client.execute(uri: "/v1/events/batch", method: .post, body: jsonBody(body))
                #expect(refused.status == .badRequest, "\(body)")
            }
            let misspelt = try await client.execute(
                uri: "/v1/events/batch", method: .post,
                body: jsonBody(#"{"appends":[{"sessionId":"\#(id)","items":[\#(Self.item("x"))],"expected_version":9}]}"#))
            #expect(misspelt.status == .badRequest)
            #expect((misspelt.json["error"] as? [String: Any])?["message"] as? String == #"json: unknown field "appends[].expected_version""#)
            let empty = try await client.execute(
                uri: "/v1/events/batch", method: .post,
                body: jsonBody(#"{"appends":[{"sessionId":"\#(id)","items":[]}]}"#))
            #expect(try results(empty).first?["status"] as? Int == 400)
            let events = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
            #expect(events.jsonArray.count == 1)
        }
    }
}
