import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SessionAPI

/// Bounded bodies (413), bodies that stop arriving (408), malformed JSON (400, never 500), unknown keys and prompt
/// sizes, in each face's envelope, and nothing appended by a refused request.
struct RequestLimitsTests {
    static let mixpeek: HTTPFields = [.authorization: "Bearer sk", HTTPField.Name("X-Namespace")!: "ns"]

    /// Creates a Mix session and returns its id.
    static func createSession(_ client: any TestClientProtocol) async throws -> String {
        let created = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
        return try #require(created.json["id"] as? String)
    }

    @Test func oversizedBodiesAre413InEachEnvelope() async throws {
        try await withTestApplication(.live, configure: { $0.maximumBodyBytes = 1024 }) { client in
            let id = try await Self.createSession(client)
            let big = jsonBody(#"{"title":""# + String(repeating: "x", count: 4096) + #""}"#)
            let mix = try await client.execute(uri: "/api/sessions", method: .post, body: big)
            #expect(mix.status == .contentTooLarge)
            #expect((mix.json["error"] as? [String: Any])?["type"] as? String == "bad_request")
            let mixpeek = try await client.execute(uri: "/v1/agents/sessions", method: .post, headers: Self.mixpeek, body: big)
            #expect(mixpeek.status == .contentTooLarge)
            #expect(mixpeek.json["status"] as? Int == 413)
            #expect(mixpeek.json["success"] as? Bool == false)
            let native = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .post, body: big)
            #expect(native.status == .contentTooLarge)
            #expect((native.json["error"] as? [String: Any])?["code"] as? String == "payload_too_large")
            let sessions = try await client.execute(uri: "/api/sessions", method: .get)
            #expect(sessions.jsonArray.count == 1)
        }
    }

    /// A request whose body arrives in `parts`, each `every` after the one before.
    private static func request(parts: [String], every interval: Duration, contentLength: Int? = nil) -> Request {
        let stream = AsyncStream<ByteBuffer> { continuation in
            Task {
                for part in parts {
                    try? await Task.sleep(for: interval)
                    continuation.yield(ByteBuffer(string: part))
                }
                continuation.finish()
            }
        }
        var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/sessions")
        head.headerFields[.contentLength] = contentLength.map(String.init)
        return Request(head: head, body: RequestBody(asyncSequence: stream))
    }

    /// A body trickled in a byte at a time (which the connection idle timeout never sees as idle), or stopping after
    /// its first part, is refused as too slow once the deadline passes; one that arrives in time is read whole, and
    /// one past the limit is too large. (The 408 each face answers: `ErrorEnvelopeTests`; against a daemon: `test_hostile.py`.)
    @Test func aBodyStillArrivingAtTheDeadlineIsTooSlow() async throws {
        // The whole body would have arrived after 6 s; the deadline cuts it first. (No tight upper bound on the
        // time: the parallel test run can hold the cooperative threads for seconds.)
        let trickled = Self.request(parts: Array(repeating: "x", count: 60), every: .milliseconds(100))
        let started = ContinuousClock.now
        await #expect(throws: RequestBodyError.tooSlow(timeout: .milliseconds(500))) {
            _ = try await trickled.collectBody(limit: 1 << 20, timeout: .milliseconds(500))
        }
        #expect(ContinuousClock.now - started >= .milliseconds(500))

        let prompt = Self.request(parts: ["{\"type\":", "\"message\"}"], every: .milliseconds(10))
        let body = try await prompt.collectBody(limit: 1 << 20, timeout: .seconds(5))
        #expect(String(buffer: body) == #"{"type":"message"}"#)

        let large = Self.request(parts: ["12345", "67890"], every: .milliseconds(1))
        await #expect(throws: RequestBodyError.tooLarge(limit: 8)) {
            _ = try await large.collectBody(limit: 8, timeout: .seconds(5))
        }
        // A body that came whole with its first part is read without the deadline's timer, and read whole.
        let whole = Self.request(parts: ["{}"], every: .zero, contentLength: 2)
        #expect(String(buffer: try await whole.collectBody(limit: 8, timeout: .seconds(5))) == "{}")
        let stopped = Self.request(parts: ["{", "}"], every: .milliseconds(800), contentLength: 2)
        await #expect(throws: RequestBodyError.tooSlow(timeout: .milliseconds(500))) {
            _ = try await stopped.collectBody(limit: 8, timeout: .milliseconds(500))
        }
        let empty = try await Self.request(parts: [], every: .zero).collectBody(limit: 8, timeout: .seconds(5))
        #expect(empty.readableBytes == 0)
    }

    @Test(arguments: ["{", "[1,2]", "{\"title\": tru}", "\u{FF}\u{FE}", "null"])
    func malformedJSONIs400OnEveryFace(body: String) async throws {
        try await withTestApplication { client in
            let id = try await Self.createSession(client)
            let requests: [(String, HTTPRequest.Method, HTTPFields)] = [
                ("/api/sessions", .post, [:]),
                ("/api/sessions/\(id)/callbacks", .patch, [:]),
                ("/api/sessions/\(id)/rewind", .post, [:]),
                ("/api/sessions/\(id)/messages", .post, [:]),
                ("/v1/agents/sessions", .post, Self.mixpeek),
                ("/v1/agents/sessions/list", .post, Self.mixpeek),
                ("/v1/agents/sessions/\(id)", .patch, Self.mixpeek),
                ("/v1/sessions/\(id)/events", .post, [:]),
            ]
            for (uri, method, headers) in requests {
                let response = try await client.execute(uri: uri, method: method, headers: headers, body: jsonBody(body))
                #expect(response.status.code == 400 || response.status.code == 422, "\(method) \(uri) \(body): \(response.status)")
                #expect(!response.json.isEmpty, "\(method) \(uri): an error envelope")
            }
            let events = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
            #expect(events.jsonArray.count == 1, "refused requests append nothing")
        }
    }

    @Test(arguments: [
        ("/rewind", #"{"messageId":null,"cleanupMedia":true,"extra":1}"#),
        ("/messages", #"{"text":"hi","plan_mode":false,"planMode":true}"#),
    ])
    func unknownKeysAreRefusedWhereMixSaysSo(path: String, body: String) async throws {
        try await withTestApplication { client in
            let id = try await Self.createSession(client)
            let response = try await client.execute(uri: "/api/sessions/\(id)\(path)", method: .post, body: jsonBody(body))
            #expect(response.status == .badRequest)
            let error = try #require(response.json["error"] as? [String: Any])
            #expect((error["message"] as? String)?.hasPrefix("json: unknown field") == true)
            #expect(error["field"] as? String == "body")
        }
    }

    @Test(arguments: [
        ("append", 51_200, true), ("append", 51_201, false), ("replace", 102_400, true), ("replace", 102_401, false),
        ("default", 1_000_000, true),
    ])
    func promptSizeLimits(mode: String, bytes: Int, accepted: Bool) async throws {
        try await withTestApplication { client in
            let prompt = String(repeating: "p", count: bytes)
            let body = #"{"title":"t","browserMode":"local-browser-service","promptMode":""# + mode
                + #"","customSystemPrompt":""# + prompt + #""}"#
            let response = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(body))
            #expect(response.status == (accepted ? .created : .badRequest))
            if !accepted {
                #expect((response.json["error"] as? [String: Any])?["field"] as? String == "customSystemPrompt")
            }
        }
    }
}
