import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SessionAPI

/// The Mixpeek routes: auth, namespaces and the list.
struct MixpeekRoutesTests {
    static let auth: HTTPFields = [.authorization: "Bearer sk", HTTPField.Name("X-Namespace")!: "ns1"]

    @Test func missingKeyIs401InTheMixpeekEnvelope() async throws {
        try await withTestApplication { client in
            let response = try await client.execute(uri: "/v1/agents/sessions/list", method: .post)
            #expect(response.status == .unauthorized)
            #expect(response.json["success"] as? Bool == false)
            #expect(response.json["status"] as? Int == 401)
        }
    }

    @Test func anotherNamespacesSessionIs404() async throws {
        try await withTestApplication { client in
            let created = try await client.execute(
                uri: "/v1/agents/sessions", method: .post, headers: Self.auth, body: jsonBody(#"{"agent_config":{}}"#))
            #expect(created.status == .ok)
            let id = try #require(created.json["session_id"] as? String)
            let other: HTTPFields = [.authorization: "Bearer sk", HTTPField.Name("X-Namespace")!: "ns2"]
            let response = try await client.execute(uri: "/v1/agents/sessions/\(id)", method: .get, headers: other)
            #expect(response.status == .notFound)
            let own = try await client.execute(uri: "/v1/agents/sessions/\(id)", method: .get, headers: Self.auth)
            #expect(own.status == .ok)
        }
    }

    @Test func listPagesWithACursor() async throws {
        try await withTestApplication { client in
            for _ in 0..<3 {
                _ = try await client.execute(
                    uri: "/v1/agents/sessions", method: .post, headers: Self.auth, body: jsonBody(#"{"agent_config":{}}"#))
            }
            let first = try await client.execute(uri: "/v1/agents/sessions/list?limit=2", method: .post, headers: Self.auth)
            #expect(first.json["total"] as? Int == 3)
            let pagination = try #require(first.json["pagination"] as? [String: Any])
            let cursor = try #require(pagination["next_cursor"] as? String)
            let second = try await client.execute(
                uri: "/v1/agents/sessions/list?limit=2&cursor=\(cursor)", method: .post, headers: Self.auth)
            #expect((second.json["results"] as? [Any])?.count == 1)
            #expect((second.json["pagination"] as? [String: Any])?["has_more"] as? Bool == false)
        }
    }
}
