import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SessionAPI

/// Hostile request input on every route that writes: each is refused with a 4xx in the route's envelope, nothing
/// crashes, and nothing is appended (the log's end position is the same before and after).
struct HostileInputTests {
    /// A write route and what it needs besides the body.
    struct WriteRoute: CustomTestStringConvertible, Sendable {
        var name: String
        var method: HTTPRequest.Method
        /// The path; `{id}` becomes an existing session's id.
        var path: String
        var headers: HTTPFields = [:]

        var testDescription: String { name }
    }

    static let mixpeekAuth: HTTPFields = [.authorization: "Bearer sk", HTTPField.Name("X-Namespace")!: "default"]

    static let writeRoutes: [WriteRoute] = [
        WriteRoute(name: "mix create", method: .post, path: "/api/sessions"),
        WriteRoute(name: "mix send", method: .post, path: "/api/sessions/{id}/messages"),
        WriteRoute(name: "mix callbacks", method: .patch, path: "/api/sessions/{id}/callbacks"),
        WriteRoute(name: "mix rewind", method: .post, path: "/api/sessions/{id}/rewind"),
        WriteRoute(name: "mixpeek create", method: .post, path: "/v1/agents/sessions", headers: mixpeekAuth),
        WriteRoute(name: "mixpeek patch", method: .patch, path: "/v1/agents/sessions/{id}", headers: mixpeekAuth),
        WriteRoute(name: "native append", method: .post, path: "/v1/sessions/{id}/events"),
    ]

    /// Bodies no route accepts, with what makes them hostile.
    static let hostileBodies: [(String, [UInt8])] = [
        ("100,000 nested arrays", Array(repeating: UInt8(ascii: "["), count: 100_000)),
        ("100,000 nested objects", Array(String(repeating: #"{"a":"#, count: 100_000).utf8)),
        ("nested arrays inside a known field",
         Array((#"{"title":"#  + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8)),
        ("invalid UTF-8 in a string", Array(#"{"title":""#.utf8) + [0xFF, 0xFE, 0xC3] + Array(#"","text":"x"}"#.utf8)),
        ("overlong UTF-8 encoding", Array(#"{"title":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)),
        ("invalid UTF-8 under a key lenient routes ignore", Array(#"{"zz":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)),
        ("an unpaired surrogate escape", Array(#"{"title":"\ud800","text":"\udfff"}"#.utf8)),
        ("a NUL byte before the JSON", [0] + Array(#"{"title":"t"}"#.utf8)),
        ("form-encoded", Array("title=t&browserMode=local-browser-service".utf8)),
        ("binary", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }),
        ("a JSON string", Array(#""title""#.utf8)),
        ("a JSON number beyond every integer", Array("1\(String(repeating: "0", count: 400))".utf8)),
        ("a truncated object", Array(#"{"title":"t","#.utf8)),
    ]

    static let cases: [(WriteRoute, String, [UInt8])] = writeRoutes.flatMap { route in
        hostileBodies.compactMap { name, body in
            // Mix's callbacks PATCH ignores unknown keys, so an escaped lone surrogate (valid JSON text) under one
            // is a request to clear the callbacks — as in the Go server.
            route.name == "mix callbacks" && name == "an unpaired surrogate escape" ? nil : (route, name, body)
        }
    }

    /// Creates a session through Mix and returns its id.
    static func makeSession(_ client: any TestClientProtocol) async throws -> String {
        let created = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
        return try #require(created.json["id"] as? String)
    }

    /// The log's durable end position, from the native catch-up read.
    static func logEnd(_ client: any TestClientProtocol) async throws -> Int {
        let page = try await client.execute(uri: "/v1/events", method: .get)
        return try #require(page.json["end"] as? Int)
    }

    /// Sends a request that must be refused, and checks it changed nothing.
    static func expectRefused(
        _ client: any TestClientProtocol, uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:],
        body: ByteBuffer? = nil, _ comment: Comment
    ) async throws -> TestResponse {
        let before = try await logEnd(client)
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        #expect((400..<500).contains(response.status.code), "\(comment): \(response.status)")
        #expect(response.headers[.contentType] == "application/json", comment)
        #expect(!response.json.isEmpty, "\(comment): the error envelope is JSON")
        #expect(try await logEnd(client) == before, "\(comment): nothing appended")
        return response
    }

    @Test(arguments: cases)
    func hostileBodiesAreRefusedAndAppendNothing(route: WriteRoute, name: String, body: [UInt8]) async throws {
        try await withTestApplication { client in
            let id = try await Self.makeSession(client)
            let response = try await Self.expectRefused(
                client, uri: route.path.replacingOccurrences(of: "{id}", with: id), method: route.method,
                headers: route.headers, body: ByteBuffer(bytes: body), "\(route.name), \(name)")
            // Mixpeek's contract answers bad bodies with 422 (FastAPI), the others with 400.
            #expect([400, 422].contains(response.status.code), "\(route.name), \(name)")
        }
    }

    @Test func aJSONBodyIsReadWhateverContentTypeItDeclares() async throws {
        // Like the Go server the Mix SDK was written against, the JSON is parsed whatever the declared type.
        try await withTestApplication { client in
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let created = try await client.execute(
                    uri: "/api/sessions", method: .post, headers: [.contentType: type], body: jsonBody(MixRoutesTests.create))
                #expect(created.status == .created, "\(type)")
            }
            #expect(try await Self.logEnd(client) == 3)
        }
    }

    @Test(arguments: [
        #"{"type":"message","role":"assistant","text":"x","inputTokens":1e400}"#,
        #"{"type":"message","role":"assistant","text":"x","inputTokens":99999999999999999999999}"#,
        #"{"type":"message","role":"assistant","text":"x","inputTokens":-1}"#,
        #"{"type":"message","role":"assistant","text":"x","latencyMs":1.5e308,"cost":-1e308}"#,
        #"{"type":"message","role":"assistant","text":"x","outputTokens":"12"}"#,
    ])
    func numbersOutOfRangeAreRefused(body: String) async throws {
        try await withTestApplication { client in
            let id = try await Self.makeSession(client)
            _ = try await Self.expectRefused(
                client, uri: "/v1/sessions/\(id)/events", method: .post, body: jsonBody(body), "\(body)")
        }
    }

    @Test(arguments: [
        "/v1/events?after=99999999999999999999999", "/v1/events?after=-1", "/v1/events?limit=1e3",
        "/v1/events?limit=0", "/v1/sessions/{id}?version=18446744073709551616", "/v1/sessions/{id}?version=-3",
    ])
    func queryNumbersOutOfRangeAreRefused(path: String) async throws {
        try await withTestApplication { client in
            let id = try await Self.makeSession(client)
            _ = try await Self.expectRefused(
                client, uri: path.replacingOccurrences(of: "{id}", with: id), method: .get, "\(path)")
        }
    }

    @Test func anIfMatchBeyondEveryVersionIsRefused() async throws {
        try await withTestApplication { client in
            let id = try await Self.makeSession(client)
            _ = try await Self.expectRefused(
                client, uri: "/v1/sessions/\(id)/events", method: .post,
                headers: [.ifMatch: "\"184467440737095516160\""], body: jsonBody(NativeRoutesTests.assistant), "If-Match")
        }
    }

    @Test(arguments: [
        "/api/sessions/%FF%FE", "/api/sessions/%C0%AF/messages", "/v1/sessions/%ED%A0%80", "/v1/agents/sessions/%FF",
        "/stream?sessionId=%FF%FE", "/api/sessions/%C3/export", "/v1/events?after=%FF",
        "/api/sessions/%00",
    ])
    func invalidUTF8InPathsAndQueriesIsRefused(path: String) async throws {
        try await withTestApplication { client in
            _ = try await Self.makeSession(client)
            let headers: HTTPFields = path.hasPrefix("/v1/agents") ? Self.mixpeekAuth : [:]
            let response = try await Self.expectRefused(client, uri: path, method: .get, headers: headers, "\(path)")
            #expect([400, 404].contains(response.status.code), "\(path): \(response.status)")
        }
    }

    @Test func invalidUTF8InAWritePathAppendsNothing() async throws {
        try await withTestApplication { client in
            _ = try await Self.makeSession(client)
            for path in ["/api/sessions/%FF%FE/messages", "/v1/sessions/%C3%28/events", "/api/sessions/%FF/rewind"] {
                _ = try await Self.expectRefused(
                    client, uri: path, method: .post, body: jsonBody(#"{"text":"hi"}"#), "\(path)")
            }
        }
    }
}
