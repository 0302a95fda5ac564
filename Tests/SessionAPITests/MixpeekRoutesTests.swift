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
            let first = try await client.execute(
                uri: "/v1/agents/sessions/list?limit=2&include_total=true", method: .post, headers: Self.auth)
            #expect(first.json["total"] as? Int == 3)
            let pagination = try #require(first.json["pagination"] as? [String: Any])
            let cursor = try #require(pagination["next_cursor"] as? String)
            let second = try await client.execute(
                uri: "/v1/agents/sessions/list?limit=2&cursor=\(cursor)", method: .post, headers: Self.auth)
            #expect((second.json["results"] as? [Any])?.count == 1)
            #expect((second.json["pagination"] as? [String: Any])?["has_more"] as? Bool == false)
            #expect((second.json["pagination"] as? [String: Any])?["offset"] as? Int == 2)
            // Without include_total the total is what was listed so far: exact on the last page.
            #expect(second.json["total"] as? Int == 3)
            let uncounted = try await client.execute(uri: "/v1/agents/sessions/list?limit=2", method: .post, headers: Self.auth)
            #expect(uncounted.json["total"] as? Int == 2)
            // A cursor belongs to the sort it was made for.
            let resorted = try await client.execute(
                uri: "/v1/agents/sessions/list?limit=2&cursor=\(cursor)", method: .post, headers: Self.auth,
                body: jsonBody(#"{"sort":{"field":"created_at","direction":"asc"}}"#))
            #expect(resorted.status == .badRequest)
            #expect(((resorted.json["error"] as? [String: Any])?["message"] as? String)?.contains("created_at:desc") == true)
        }
    }

    @Test func listFiltersOnTimesAndNestedFields() async throws {
        try await withTestApplication { client in
            let created = try await client.execute(
                uri: "/v1/agents/sessions", method: .post, headers: Self.auth,
                body: jsonBody(#"{"agent_config":{"model":"gpt-4o"},"user_memory":{"plan":"pro"},"metadata":{"n":2}}"#))
            let id = try #require(created.json["session_id"] as? String)
            _ = try await client.execute(
                uri: "/v1/agents/sessions", method: .post, headers: Self.auth, body: jsonBody(#"{"agent_config":{}}"#))
            func list(_ body: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/agents/sessions/list?include_total=true", method: .post, headers: Self.auth, body: jsonBody(body))
            }
            for body in [
                #"{"filters":{"agent_config.model":"gpt-4o"}}"#, #"{"filters":{"user_memory.plan":{"in":["pro","max"]}}}"#,
                #"{"filters":{"metadata.n":{"$gte":2}}}"#,
                #"{"filters":{"AND":[{"field":"session_id","operator":"eq","value":"\#(id.uppercased())"}]}}"#,
            ] {
                let response = try await list(body)
                #expect(response.status == .ok, "\(body)")
                #expect(((response.json["results"] as? [[String: Any]])?.map { $0["session_id"] as? String }) == [id], "\(body)")
            }
            let recent = try await list(#"{"filters":{"created_at":{"gte":"2000-01-01T00:00:00Z"}}}"#)
            #expect(recent.json["total"] as? Int == 2)
            let future = try await list(#"{"filters":{"created_at":{"gt":"2999-01-01T00:00:00.5Z"}}}"#)
            #expect(future.json["total"] as? Int == 0)
            // A session's own time, as answered (whole seconds), finds it with eq, and lte keeps it.
            let createdAt = try #require(created.json["created_at"] as? String)
            for op in ["eq", "lte", "gte"] {
                let own = try await list(
                    #"{"filters":{"session_id":"\#(id)","created_at":{"\#(op)":"\#(createdAt)"}}}"#)
                #expect(own.json["total"] as? Int == 1, "\(op) \(createdAt)")
            }
            // exists and is_null take a flag on time fields too.
            #expect(try await list(#"{"filters":{"expires_at":{"exists":true}}}"#).json["total"] as? Int == 2)
            #expect(try await list(#"{"filters":{"created_at":{"is_null":true}}}"#).json["total"] as? Int == 0)
            for body in [
                #"{"filters":{"created_at":{"gte":"yesterday"}}}"#, #"{"filters":{"stats":{"exists":true}}}"#,
                // A year or a date without dashes is not a time (nor Unix seconds, which only `at` and `since` take).
                #"{"filters":{"created_at":{"gte":"2026"}}}"#, #"{"filters":{"created_at":{"gte":"20261123"}}}"#,
                #"{"filters":{"user_id":{"in":"alice"}}}"#, #"{"sort":{"field":"internal_id"}}"#,
            ] {
                let response = try await list(body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.json["success"] as? Bool == false)
            }
        }
    }
}
