import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import SessionAPI

/// `Sessiond-Position` (docs/scaling.md): every answer says how far the node had applied the log; sending it back
/// makes a node wait for that position, which gives read-your-writes across nodes sharing one PostgreSQL log.
struct PositionHeaderTests {
    static let header = HTTPField.Name("Sessiond-Position")!

    @Test func everyAnswerCarriesTheAppliedPositionAndABadOneIsRefused() async throws {
        try await withTestApplication { client in
            let created = try await client.execute(uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
            let position = try #require(created.headers[Self.header].flatMap(UInt64.init))
            #expect(position >= 1)
            let id = try #require(created.json["id"] as? String)
            let read = try await client.execute(
                uri: "/api/sessions/\(id)", method: .get, headers: [Self.header: String(position)])
            #expect(read.status == .ok)
            #expect(try await client.execute(uri: "/v1/sessions/\(id)?min_position=\(position)", method: .get).status == .ok)
            // An as-of point past the log's end is the latest state: neither refused nor waited for.
            let past = try await client.execute(uri: "/v1/sessions/\(id)?position=\(position + 1000)", method: .get)
            #expect(past.status == .ok)
            #expect(past.json["version"] as? Int == 1)
            // Never handed out: refused at once, not waited for.
            let ahead = try await client.execute(
                uri: "/v1/sessions/\(id)", method: .get, headers: [Self.header: String(position + 1000)])
            #expect(ahead.status == .badRequest)
            let garbage = try await client.execute(
                uri: "/v1/sessions/\(id)", method: .get, headers: [Self.header: "soon"])
            #expect(garbage.status == .badRequest)
            // Error answers carry it too, on every face.
            for uri in ["/api/sessions/missing", "/v1/sessions/missing"] {
                let answer = try await client.execute(uri: uri, method: .get)
                #expect(answer.status == .notFound, "\(uri)")
                #expect(answer.headers[Self.header].flatMap(UInt64.init) == position, "\(uri)")
            }
            // But not to a caller without a valid key (Mixpeek needs one even on an open daemon).
            let refused = try await client.execute(uri: "/v1/agents/sessions/missing", method: .get)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[Self.header] == nil)
            #expect(garbage.headers[Self.header].flatMap(UInt64.init) == position)
            // A page on another origin may read it, and the ETag to send back as If-Match.
            let crossOrigin = try await client.execute(
                uri: "/v1/sessions/\(id)", method: .get, headers: [.origin: "http://localhost:5173"])
            let exposed = crossOrigin.headers[.accessControlExposeHeaders]?.lowercased() ?? ""
            #expect(exposed.contains("sessiond-position") && exposed.contains("etag"), "\(exposed)")
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"))
    func aWriteOnOneNodeIsReadOnAnotherWithItsPosition() async throws {
        try await TestPostgres.withDatabase { url in
            try await withTestApplication(configure: { $0.logLocation = .postgres(url: url) }) { a in
                try await withTestApplication(configure: { $0.logLocation = .postgres(url: url) }) { b in
                    for i in 0..<10 {
                        let created = try await a.execute(
                            uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
                        let id = try #require(created.json["id"] as? String)
                        let position = try #require(created.headers[Self.header])
                        let read = try await b.execute(
                            uri: "/api/sessions/\(id)", method: .get, headers: [Self.header: position])
                        #expect(read.status == .ok, "round \(i)")
                        #expect(read.json["title"] as? String == "hello")
                        // Both nodes race to append with the same expected version: exactly one wins.
                        let body = jsonBody(NativeRoutesTests.assistant)
                        async let first = a.execute(
                            uri: "/v1/sessions/\(id)/events", method: .post, headers: [.ifMatch: "\"1\""], body: body)
                        async let second = b.execute(
                            uri: "/v1/sessions/\(id)/events", method: .post,
                            headers: [.ifMatch: "\"1\"", Self.header: position], body: body)
                        let statuses = try await [first.status, second.status]
                        #expect(statuses.filter { $0 == .created }.count == 1, "round \(i): \(statuses)")
                        #expect(statuses.filter { $0 == .conflict }.count == 1, "round \(i): \(statuses)")
                    }
                    // An as-of read by log position waits for that position as Sessiond-Position does.
                    for i in 0..<10 {
                        let created = try await a.execute(
                            uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
                        let id = try #require(created.json["id"] as? String)
                        let appended = try await a.execute(
                            uri: "/v1/sessions/\(id)/events", method: .post, body: jsonBody(NativeRoutesTests.assistant))
                        let position = try #require(appended.headers[Self.header])
                        let read = try await b.execute(uri: "/v1/sessions/\(id)?position=\(position)", method: .get)
                        #expect(read.status == .ok, "round \(i)")
                        #expect(read.json["version"] as? Int == 2, "round \(i)")
                    }
                    // A command that would be a no-op on a stale state: node B decided on this session before
                    // node A started processing, and must still see that it can cancel.
                    let created = try await a.execute(
                        uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
                    let id = try #require(created.json["id"] as? String)
                    let idle = try await b.execute(
                        uri: "/api/sessions/\(id)/cancel", method: .post,
                        headers: [Self.header: try #require(created.headers[Self.header])])
                    #expect(idle.json["cancelled"] as? Bool == false)
                    let sent = try await a.execute(
                        uri: "/api/sessions/\(id)/messages", method: .post, body: jsonBody(#"{"text":"hi","plan_mode":false}"#))
                    let cancel = try await b.execute(
                        uri: "/api/sessions/\(id)/cancel", method: .post,
                        headers: [Self.header: try #require(sent.headers[Self.header])])
                    #expect(cancel.json["cancelled"] as? Bool == true)
                }
            }
        }
    }
}
