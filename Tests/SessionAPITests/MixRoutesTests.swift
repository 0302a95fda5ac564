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

    @Test func healthReportsProjectionLag() async throws {
        try await withTestApplication { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
            let projection = try #require(response.json["projection"] as? [String: Any])
            #expect(projection["lag"] as? Int == 0)
        }
    }
}
