import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SessionAPI

/// What the audit console reads: the native session list, the audited transcript, the fork, and the console's
/// own files with their Content-Security-Policy.
struct ConsoleRoutesTests {
    static func message(_ id: String, _ role: String, _ text: String) -> ByteBuffer {
        let usage = role == "assistant" ? #","inputTokens":7,"latencyMs":30"# : ""
        return jsonBody(#"{"type":"message","role":"\#(role)","messageId":"\#(id)","text":"\#(text)"\#(usage)}"#)
    }

    /// A Mix session with u1, a1, u2, a2, then a rewind to a1; returns its id and the position of a2.
    func scripted(_ client: any TestClientProtocol, title: String = "Console") async throws -> (String, Int) {
        let created = try await client.execute(
            uri: "/api/sessions", method: .post,
            body: jsonBody(#"{"title":"\#(title)","browserMode":"local-browser-service"}"#))
        let id = try #require(created.json["id"] as? String)
        for (message, role) in [("u1", "user"), ("a1", "assistant"), ("u2", "user"), ("a2", "assistant")] {
            let appended = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post, body: Self.message(message, role, "text of \(message)"))
            #expect(appended.status == .created)
        }
        let events = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
        let beforeRewind = try #require(events.jsonArray.last?["position"] as? Int)
        let rewound = try await client.execute(
            uri: "/api/sessions/\(id)/rewind", method: .post, body: jsonBody(#"{"messageId":"a1"}"#))
        #expect(rewound.status == .ok)
        return (id, beforeRewind)
    }

    @Test func theTranscriptMarksMessagesALaterRewindRemoved() async throws {
        try await withTestApplication { client in
            let (id, before) = try await scripted(client)
            let events = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get).jsonArray
            let rewind = try #require(events.first { $0["type"] as? String == "session.rewound" }?["position"] as? Int)

            let page = try await client.execute(uri: "/v1/sessions/\(id)/transcript?position=\(before)", method: .get)
            #expect(page.status == .ok)
            #expect(page.json["position"] as? Int == before)
            let messages = try #require(page.json["messages"] as? [[String: Any]])
            #expect(messages.map { $0["messageId"] as? String } == ["u1", "a1", "u2", "a2"])
            #expect(messages.map { $0["removedPosition"] as? Int } == [nil, nil, rewind, rewind])
            #expect(messages.map { $0["isRemoved"] as? Bool } == [false, false, false, false])
            let stats = try #require(page.json["stats"] as? [String: Any])
            #expect(stats["inputTokens"] as? Int == 14)
            #expect(stats["latencyMaxMs"] as? Double == 30)

            let now = try await client.execute(uri: "/v1/sessions/\(id)/transcript?limit=3", method: .get)
            let current = try #require(now.json["messages"] as? [[String: Any]])
            #expect(current.map { $0["isRemoved"] as? Bool } == [false, false, true])
            let next = try #require(now.json["next"] as? Int)
            let rest = try await client.execute(uri: "/v1/sessions/\(id)/transcript?after=\(next)", method: .get)
            #expect((rest.json["messages"] as? [[String: Any]])?.map { $0["messageId"] as? String } == ["a2"])
            #expect(rest.json["next"] == nil)

            let missing = try await client.execute(uri: "/v1/sessions/nope/transcript", method: .get)
            #expect(missing.status == .notFound)
            let bad = try await client.execute(uri: "/v1/sessions/\(id)/transcript?limit=0", method: .get)
            #expect(bad.status == .badRequest)
        }
    }

    @Test func aForkStartsWithTheTranscriptAtThePointAndIsNotedInTheSource() async throws {
        try await withTestApplication { client in
            let (id, before) = try await scripted(client)
            let forked = try await client.execute(
                uri: "/v1/sessions/\(id)/fork?position=\(before)", method: .post, body: jsonBody(#"{"title":"Plan B"}"#))
            #expect(forked.status == .created)
            let forkID = try #require(forked.json["id"] as? String)
            #expect(forked.json["title"] as? String == "Plan B")
            #expect(forked.json["messageCount"] as? Int == 4)
            let origin = try #require(forked.json["forkedFrom"] as? [String: Any])
            #expect(origin["sessionId"] as? String == id && origin["position"] as? Int == before)

            let export = try await client.execute(uri: "/v1/sessions/\(forkID)/export", method: .get)
            let copied = try #require(export.json["messages"] as? [[String: Any]])
            #expect(copied.map { $0["id"] as? String } == ["u1", "a1", "u2", "a2"])
            let sourceEvents = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get).jsonArray
            #expect(sourceEvents.last?["type"] as? String == "session.forked")

            // At a message: the fork ends with it.
            let atMessage = try await client.execute(
                uri: "/v1/sessions/\(id)/fork?messageId=a1", method: .post)
            #expect(atMessage.status == .created)
            #expect(atMessage.json["messageCount"] as? Int == 2)
        }
    }

    @Test func badForkRequestsChangeNothing() async throws {
        try await withTestApplication { client in
            let (id, _) = try await scripted(client)
            let before = try await client.execute(uri: "/v1/events", method: .get).json["end"] as? Int
            let cases: [(String, String, HTTPResponse.Status)] = [
                ("?position=3&version=2", "{}", .badRequest),
                ("?at=yesterday", "{}", .badRequest),
                ("?messageId=nope", "{}", .notFound),
                ("", #"{"color":"blue"}"#, .badRequest),
                ("", "[1]", .badRequest),
            ]
            for (query, body, status) in cases {
                let response = try await client.execute(
                    uri: "/v1/sessions/\(id)/fork\(query)", method: .post, body: jsonBody(body))
                #expect(response.status == status, "\(query) \(body)")
            }
            let missing = try await client.execute(uri: "/v1/sessions/nope/fork", method: .post, body: jsonBody("{}"))
            #expect(missing.status == .notFound)
            #expect(try await client.execute(uri: "/v1/events", method: .get).json["end"] as? Int == before)
        }
    }

    @Test func theListFiltersSearchesSortsAndPages() async throws {
        try await withTestApplication { client in
            _ = try await scripted(client, title: "Alpha incident")
            _ = try await scripted(client, title: "beta rollout")
            _ = try await scripted(client, title: "Gamma review")
            let searched = try await client.execute(uri: "/v1/sessions?q=ALPHA", method: .get)
            #expect((searched.json["sessions"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Alpha incident"])
            let first = try await client.execute(uri: "/v1/sessions?sort=title&limit=2", method: .get)
            #expect((first.json["sessions"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Alpha incident", "beta rollout"])
            let cursor = try #require(first.json["nextCursor"] as? String)
            let second = try await client.execute(uri: "/v1/sessions?sort=title&limit=2&cursor=\(cursor)", method: .get)
            #expect((second.json["sessions"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Gamma review"])
            #expect(second.json["nextCursor"] == nil)
            let terminated = try await client.execute(uri: "/v1/sessions?status=terminated", method: .get)
            #expect((terminated.json["sessions"] as? [[String: Any]])?.isEmpty == true)
            let otherNamespace = try await client.execute(uri: "/v1/sessions?namespace=elsewhere", method: .get)
            #expect((otherNamespace.json["sessions"] as? [[String: Any]])?.isEmpty == true)
            for bad in ["status=happy", "sort=colour", "limit=0", "cursor=not-a-cursor"] {
                let response = try await client.execute(uri: "/v1/sessions?\(bad)", method: .get)
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func theListFiltersSessionsProcessingATurn() async throws {
        try await withTestApplication { client in
            let (idle, _) = try await scripted(client, title: "Finished")
            let created = try await client.execute(
                uri: "/api/sessions", method: .post, body: jsonBody(#"{"title":"Working","browserMode":"local-browser-service"}"#))
            let working = try #require(created.json["id"] as? String)
            let sent = try await client.execute(
                uri: "/api/sessions/\(working)/messages", method: .post, body: jsonBody(#"{"text":"go"}"#))
            #expect(sent.status.code < 300)
            let processing = try await client.execute(uri: "/v1/sessions?status=processing", method: .get)
            let ids = (processing.json["sessions"] as? [[String: Any]])?.map { $0["id"] as? String }
            #expect(ids == [working])
            #expect(ids?.contains(idle) == false)
        }
    }

    @Test func theAuditHistoryReadsOnAfterAPosition() async throws {
        try await withTestApplication { client in
            let (id, before) = try await scripted(client)
            let all = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get).jsonArray
            let later = try await client.execute(uri: "/v1/sessions/\(id)/events?after=\(before)", method: .get).jsonArray
            let expected: [Int?] = all.compactMap { $0["position"] as? Int }.filter { $0 > before }
            #expect(later.map { $0["position"] as? Int } == expected)
            #expect(later.map { $0["type"] as? String } == ["session.rewound"])
            let bad = try await client.execute(uri: "/v1/sessions/\(id)/events?after=-1", method: .get)
            #expect(bad.status == .badRequest)
        }
    }

    @Test func theEventStreamOfOneSessionNeedsASessionTheKeyMaySee() async throws {
        try await withTestApplication { client in
            let unknown = try await client.execute(uri: "/v1/events/stream?sessionId=no-such-session", method: .get)
            #expect(unknown.status == .notFound)
            let malformed = try await client.execute(uri: "/v1/events/stream?sessionId=%20", method: .get)
            #expect(malformed.status.code >= 400 && malformed.status.code < 500)
        }
    }

    @Test func theConsoleIsServedWithAStrictContentSecurityPolicy() async throws {
        try await withTestApplication { client in
            for (path, type) in [("/ui", "text/html"), ("/ui/app.js", "text/javascript"), ("/ui/console.css", "text/css")] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(path)")
                #expect(
                    response.headers[ConsoleController.contentSecurityPolicy]
                        == "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'")
            }
            let index = try await client.execute(uri: "/ui/", method: .get)
            let html = String(buffer: index.body)
            #expect(html.contains(#"<script type="module" src="/ui/app.js">"#))
            // Nothing the page loads names another origin.
            #expect(!html.contains("http://") && !html.contains("https://"))
            let missing = try await client.execute(uri: "/ui/nothing.js", method: .get)
            #expect(missing.status == .notFound)
        }
    }
}
