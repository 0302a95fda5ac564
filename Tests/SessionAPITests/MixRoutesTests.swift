import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SessionAPI

/// The Mix routes through `buildApplication` and the router.
struct MixRoutesTests {
    static let create = #"{"title":"hello","browserMode":"local-browser-service"}"#

    @Test func createdSessionIsReadBackImmediately() async throws {
        try await withTestApplication { client in
            let created = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(Self.create))
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            let fetched = try await client.execute(uri: "/api/sessions/\(id)", method: .get)
            #expect(fetched.status == .ok)
            #expect(fetched.json["title"] as? String == "hello")
            let listed = try await client.execute(uri: "/api/sessions", method: .get)
            #expect(listed.jsonArray.map { $0["id"] as? String } == [id])
        }
    }

    @Test func readYourWritesOverManyConnections() async throws {
        try await withTestApplication(.live) { client in
            for _ in 0..<20 {
                let created = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(Self.create))
                let id = try #require(created.json["id"] as? String)
                let fetched = try await client.execute(uri: "/api/sessions/\(id)", method: .get)
                #expect(fetched.status == .ok)
            }
        }
    }

    @Test(arguments: [
        (#"{"title":"","browserMode":"local-browser-service"}"#, "title", "title is required"),
        (#"{"title":"t","browserMode":"local-browser-service","foo":1}"#, "body", #"json: unknown field "foo""#),
        (#"{"title": "#, "body", "Invalid JSON: the body is not valid JSON"),
        ("[1]", "body", "Invalid JSON: the body must be a JSON object"),
        ("", "body", "request body is required"),
    ])
    func badCreateIsA400Envelope(body: String, field: String, message: String) async throws {
        try await withTestApplication { client in
            let response = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(body))
            #expect(response.status == .badRequest)
            let error = try #require(response.json["error"] as? [String: Any])
            #expect(error["code"] as? Int == 400)
            #expect(error["type"] as? String == "validation_error")
            #expect(error["field"] as? String == field)
            #expect(error["message"] as? String == message)
            let listed = try await client.execute(uri: "/api/sessions", method: .get)
            #expect(listed.jsonArray.isEmpty)
        }
    }

    @Test func unknownSessionIsA404Envelope() async throws {
        try await withTestApplication { client in
            for uri in ["/api/sessions/nope", "/api/sessions/nope/messages", "/api/sessions/nope/export", "/stream?sessionId=nope"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                let error = try #require(response.json["error"] as? [String: Any])
                #expect(error["message"] as? String == "Session with ID 'nope' not found")
                #expect(error["type"] as? String == "not_found")
            }
        }
    }

    @Test func sendMessageIsAcceptedAndMarksProcessing() async throws {
        try await withTestApplication { client in
            let created = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(Self.create))
            let id = try #require(created.json["id"] as? String)
            let sent = try await client.execute(
                uri: "/api/sessions/\(id)/messages", method: .post, body: jsonBody(#"{"text":"hi","plan_mode":false}"#))
            #expect(sent.status == .accepted)
            #expect(sent.json["status"] as? String == "processing")
            let cancel = try await client.execute(uri: "/api/sessions/\(id)/cancel", method: .post)
            #expect(cancel.json["cancelled"] as? Bool == true)
            let messages = try await client.execute(uri: "/api/sessions/\(id)/messages", method: .get)
            #expect(messages.jsonArray.map { $0["userInput"] as? String } == ["hi"])
        }
    }

    /// `/api/messages/history`: the live user messages of every existing session, newest first, paged; a message a
    /// rewind removed and a deleted session's messages are not in it, nor assistant messages.
    @Test func messageHistoryPagesTheLiveUserMessagesOfEverySessionNewestFirst() async throws {
        try await withTestApplication { client in
            var sessions: [String] = []
            for _ in 0..<3 {
                let created = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(Self.create))
                sessions.append(try #require(created.json["id"] as? String))
            }
            func say(_ session: Int, _ id: String, role: String = "user") async throws {
                let body = #"{"type":"message","role":"\#(role)","messageId":"\#(id)","text":"text of \#(id)"}"#
                let answer = try await client.execute(
                    uri: "/v1/sessions/\(sessions[session])/events", method: .post, body: jsonBody(body))
                #expect(answer.status == .created, "\(id)")
            }
            try await say(0, "a1")
            try await say(1, "b1")
            try await say(0, "a-reply", role: "assistant")
            try await say(2, "c1")
            try await say(1, "b2")
            try await say(0, "a2")
            try await say(0, "a3")
            // a3 is rewound away; session 2 is deleted.
            let rewound = try await client.execute(
                uri: "/v1/sessions/\(sessions[0])/events", method: .post,
                body: jsonBody(#"{"type":"rewind","beforeMessageId":"a3"}"#))
            #expect(rewound.status == .created)
            #expect(try await client.execute(uri: "/api/sessions/\(sessions[2])", method: .delete).status == .noContent)
            func page(_ query: String) async throws -> [String] {
                let answer = try await client.execute(uri: "/api/messages/history?\(query)", method: .get)
                #expect(answer.status == .ok)
                return answer.jsonArray.map { "\($0["id"] as? String ?? "?"):\($0["sessionId"] as? String == sessions[0] ? 0 : 1)" }
            }
            #expect(try await page("limit=50") == ["a2:0", "b2:1", "b1:1", "a1:0"])
            #expect(try await page("limit=2&offset=1") == ["b2:1", "b1:1"])
            #expect(try await page("limit=2&offset=4") == [])
            let first = try await client.execute(uri: "/api/messages/history?limit=1", method: .get).jsonArray.first
            #expect(first?["userInput"] as? String == "text of a2" && first?["role"] as? String == "user")
        }
    }

    @Test func healthReportsProjectionLag() async throws {
        try await withTestApplication { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
            let services = try #require(response.json["services"] as? [String: Any])
            #expect(services["database"] as? String == "connected")
            #expect(services["projection"] as? String == "running")
            let projection = try #require(response.json["projection"] as? [String: Any])
            #expect(projection["lag"] as? Int == 0)
        }
    }
}
