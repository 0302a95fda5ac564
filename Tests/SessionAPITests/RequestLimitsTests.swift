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

    /// A body that stops arriving — its `Content-Length` promised and never sent, as a client trickling it a byte at
    /// a time (which the connection idle timeout never sees as idle) would leave it — is 408 `body_too_slow` in each
    /// face's envelope once `bodyReadTimeout` passes, and appends nothing; a large body sent at speed is read as ever.
    @Test func aBodyThatStopsArrivingIs408InEachEnvelope() async throws {
        let timeout = Duration.seconds(2)
        try await withTestApplication(.live, configure: { $0.bodyReadTimeout = timeout }) { client in
            let id = try await Self.createSession(client)
            let before = try await HostileInputTests.logEnd(client)
            let port = try #require(client.port)
            let faces: [(uri: String, headers: HTTPFields)] = [
                ("/api/sessions", [:]), ("/v1/agents/sessions", Self.mixpeek), ("/v1/sessions/\(id)/events", [:]),
            ]
            // Each on a connection of its own (the daemon reads nothing more from one it gave up on), all at once.
            let answers: [Int: (response: TestClient.Response, took: Duration)] = try await withThrowingTaskGroup(
                of: (Int, TestClient.Response, Duration).self
            ) { group in
                for (index, face) in faces.enumerated() {
                    group.addTask {
                        try await TestClient.withClient(host: "localhost", port: port) { stalled in
                            var headers = face.headers
                            headers[.contentType] = "application/json"
                            headers[.contentLength] = "64"
                            let started = ContinuousClock.now
                            let response = try await stalled.execute(
                                TestClient.Request(face.uri, method: .post, authority: "localhost", headers: headers))
                            return (index, response, ContinuousClock.now - started)
                        }
                    }
                }
                var collected: [Int: (response: TestClient.Response, took: Duration)] = [:]
                for try await (index, response, took) in group { collected[index] = (response, took) }
                return collected
            }
            var bodies: [[String: Any]] = []
            for (index, face) in faces.enumerated() {
                let answer = try #require(answers[index], "\(face.uri)")
                #expect(answer.response.status == .requestTimeout, "\(face.uri)")
                #expect(answer.took >= timeout && answer.took < timeout + .seconds(10), "\(face.uri): \(answer.took)")
                #expect(answer.response.headers[.connection] == "close", "\(face.uri)")
                let data = Data(buffer: answer.response.body ?? ByteBuffer())
                bodies.append((try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
            }
            let mix = try #require(bodies[0]["error"] as? [String: Any])
            #expect(mix["code"] as? Int == 408 && mix["type"] as? String == "bad_request")
            #expect(mix["field"] as? String == "body")
            #expect(bodies[1]["status"] as? Int == 408 && bodies[1]["success"] as? Bool == false)
            let mixpeek = try #require(bodies[1]["error"] as? [String: Any])
            #expect(mixpeek["code"] as? String == "body_too_slow" && mixpeek["type"] as? String == "BadRequestError")
            let native = try #require(bodies[2]["error"] as? [String: Any])
            #expect(native["code"] as? String == "body_too_slow" && native["status"] as? Int == 408)
            #expect(try await HostileInputTests.logEnd(client) == before, "nothing appended")

            // Near the 4 MiB limit and sent at once, a body arrives well within the deadline.
            let text = String(repeating: "x", count: 3 << 20)
            let large = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post,
                body: jsonBody(#"{"type":"message","role":"assistant","text":""# + text + #""}"#))
            #expect(large.status == .created)
            #expect(try await HostileInputTests.logEnd(client) > before)
        }
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
