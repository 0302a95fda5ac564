import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import SessionAPI

/// Two nodes on one PostgreSQL log, each deciding on its own cached session states without asking the log whether
/// they are current (decision 0112): a node whose state is stale must still answer exactly as if it were current.
/// One test at a time: each runs two nodes' connection pools, and the whole package's tests run at once.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct CrossNodeWriteTests {
    private static let position = PositionHeaderTests.header
    private static let key = HTTPField.Name("Idempotency-Key")!

    private static func append(
        _ node: any TestClientProtocol, _ id: String, _ body: String, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await node.execute(uri: "/v1/sessions/\(id)/events", method: .post, headers: headers, body: jsonBody(body))
    }

    private static func message(_ messageID: String) -> String {
        #"{"type":"message","role":"user","messageId":"\#(messageID)","text":"text of \#(messageID)"}"#
    }

    /// Runs `body` with two nodes on a fresh database and a session created on the first, cached by both.
    private func withTwoNodes(
        _ body: @Sendable (any TestClientProtocol, any TestClientProtocol, String) async throws -> Void
    ) async throws {
        try await TestPostgres.withDatabase { url in
            try await withTestApplication(configure: { $0.logLocation = .postgres(url: url) }) { a in
                try await withTestApplication(configure: { $0.logLocation = .postgres(url: url) }) { b in
                    let created = try await a.execute(
                        uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
                    let id = try #require(created.json["id"] as? String)
                    // B decides once, so its writer caches the session at version 2.
                    let warm = try await Self.append(
                        b, id, Self.message("warm"), headers: [Self.position: try #require(created.headers[Self.position])])
                    #expect(warm.headers[.eTag] == "\"2\"")
                    try await body(a, b, id)
                }
            }
        }
    }

    @Test func aStaleNodeAnswersAsIfItsStateWereCurrent() async throws {
        try await withTwoNodes { a, b, id in
            // A moves the session to 3; B, still at 2, is sent the current version as If-Match: 201, not 409.
            #expect(try await Self.append(a, id, Self.message("a-1")).headers[.eTag] == "\"3\"")
            let fresh = try await Self.append(b, id, Self.message("b-1"), headers: [.ifMatch: "\"3\""])
            #expect(fresh.status == .created)
            #expect(fresh.headers[.eTag] == "\"4\"")
            // A stale If-Match is still refused, with the current version.
            #expect(try await Self.append(a, id, Self.message("a-2")).headers[.eTag] == "\"5\"")
            let stale = try await Self.append(b, id, Self.message("b-2"), headers: [.ifMatch: "\"4\""])
            #expect(stale.status == .conflict)
            #expect(
                (stale.json["error"] as? [String: Any])?["message"] as? String
                    == "expected version 4 but the session is at version 5")
            // Without If-Match B's append, decided on version 4, is refused by the log and decided again on 5.
            let appended = try await Self.append(b, id, Self.message("b-3"))
            #expect(appended.status == .created)
            #expect(appended.headers[.eTag] == "\"6\"")
            // A command refused on the stale state (a message B has not seen) is decided again on the fresh one.
            #expect(try await Self.append(a, id, Self.message("a-3")).headers[.eTag] == "\"7\"")
            let rewind = try await Self.append(b, id, #"{"type":"rewind","beforeMessageId":"a-3"}"#)
            #expect(rewind.status == .created, "\(String(buffer: rewind.body))")
            #expect(rewind.headers[.eTag] == "\"8\"")
        }
    }

    @Test func aRetryOnAStaleNodeAppendsNothing() async throws {
        try await withTwoNodes { a, b, id in
            let first = try await Self.append(a, id, NativeRoutesTests.assistant, headers: [Self.key: "k-1"])
            #expect(first.status == .created)
            // B's state is at 2, before the first attempt: its decision is refused as a retry, not appended again.
            let retry = try await Self.append(b, id, NativeRoutesTests.assistant, headers: [Self.key: "k-1"])
            #expect(retry.status == .ok)
            #expect(retry.json["deduplicated"] as? Bool == true)
            #expect(retry.json["positions"] as? [Int] == first.json["positions"] as? [Int])
            let events = try await a.execute(
                uri: "/v1/sessions/\(id)/events", method: .get,
                headers: [Self.position: try #require(retry.headers[Self.position])])
            #expect(events.jsonArray.map { $0["version"] as? Int } == [1, 2, 3])
        }
    }

    @Test func nodesRacingOnOneSessionEachLandOnceInOneOrder() async throws {
        try await withTwoNodes { a, b, id in
            let perNode = 12
            let answers = try await withThrowingTaskGroup(of: (String, TestResponse).self) { group in
                for i in 0..<perNode {
                    for (name, node) in [("a", a), ("b", b)] {
                        group.addTask { ("\(name)-\(i)", try await Self.append(node, id, Self.message("\(name)-\(i)"))) }
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            // Every append won a version of its own: the losers of each race decided again on the fresh state.
            #expect(
                answers.values.allSatisfy { $0.status == .created },
                "\(answers.values.filter { $0.status != .created }.map { String(buffer: $0.body) })")
            let versions = answers.values.compactMap { $0.headers[.eTag] }.sorted()
            #expect(Set(versions).count == 2 * perNode)
            let last = try #require(answers.values.compactMap { $0.headers[Self.position].flatMap { Int($0) } }.max())
            for node in [a, b] {
                let events = try await node.execute(
                    uri: "/v1/sessions/\(id)/events", method: .get, headers: [Self.position: "\(last)"])
                #expect(events.jsonArray.map { $0["version"] as? Int } == Array(1...(2 + 2 * perNode)).map { $0 })
                // Each summary reads "user message ID (N characters)".
                let ids = events.jsonArray.compactMap { $0["summary"] as? String }.filter { $0.hasPrefix("user message ") }
                    .compactMap { $0.split(separator: " ").dropFirst(2).first }
                #expect(Set(ids.map(String.init)) == Set(answers.keys).union(["warm"]))
                #expect(ids.count == 2 * perNode + 1)
            }
        }
    }
}
