import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Projections
import Sessions
import Testing

@testable import SessionAPI

/// The native API: appends with `If-Match` and `Idempotency-Key`, audit history, catch-up, as-of reads.
struct NativeRoutesTests {
    static let assistant =
        #"{"type":"message","role":"assistant","text":"done","finishReason":"end_turn","inputTokens":10,"outputTokens":5,"cost":0.5,"model":"m","latencyMs":120}"#

    func makeSession(_ client: any TestClientProtocol) async throws -> String {
        let created = try await client.execute(
            uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
        return try #require(created.json["id"] as? String)
    }

    @Test func ifMatchConflictIs409() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            let stale = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post, headers: [.ifMatch: "\"7\""], body: jsonBody(Self.assistant))
            #expect(stale.status == .conflict)
            #expect((stale.json["error"] as? [String: Any])?["code"] as? String == "wrong_expected_version")
            let fresh = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post, headers: [.ifMatch: "\"1\""], body: jsonBody(Self.assistant))
            #expect(fresh.status == .created)
            #expect(fresh.headers[.eTag] == "\"2\"")
        }
    }

    @Test func idempotencyKeyAppendsOnce() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            let key = HTTPField.Name("Idempotency-Key")!
            let first = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post, headers: [key: "k-1"], body: jsonBody(Self.assistant))
            let retry = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post, headers: [key: "k-1"], body: jsonBody(Self.assistant))
            #expect(first.status == .created)
            #expect(retry.status == .ok)
            #expect(retry.json["deduplicated"] as? Bool == true)
            #expect(retry.json["positions"] as? [Int] == first.json["positions"] as? [Int])
            let events = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
            #expect(events.jsonArray.count == 2)
            let session = try await client.execute(uri: "/api/sessions/\(id)", method: .get)
            #expect(session.json["assistantMessageCount"] as? Int == 1)
            #expect(session.json["promptTokens"] as? Int == 10)
        }
    }

    @Test func asOfVersionShowsTheEarlierSession() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            _ = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .post, body: jsonBody(Self.assistant))
            let now = try await client.execute(uri: "/v1/sessions/\(id)", method: .get)
            #expect(now.json["assistantMessageCount"] as? Int == 1)
            let before = try await client.execute(uri: "/v1/sessions/\(id)?version=1", method: .get)
            #expect(before.json["assistantMessageCount"] as? Int == 0)
            let export = try await client.execute(uri: "/v1/sessions/\(id)/export?version=1", method: .get)
            #expect((export.json["messages"] as? [Any])?.isEmpty == true)
            let bad = try await client.execute(uri: "/v1/sessions/\(id)?version=x", method: .get)
            #expect(bad.status == .badRequest)
        }
    }

    /// A message the session never had is named, not reported as a missing session: on every as-of read.
    @Test func anAsOfMessageTheSessionNeverHadIsNamed() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            for path in ["", "/export", "/export?format=markdown", "/transcript", "/items"] {
                let separator = path.contains("?") ? "&" : "?"
                let unknown = try await client.execute(
                    uri: "/v1/sessions/\(id)\(path)\(separator)messageId=never-sent", method: .get)
                let error = unknown.json["error"] as? [String: Any]
                #expect(unknown.status == .notFound && error?["code"] as? String == "message_not_found", "\(path)")
                #expect(error?["message"] as? String == "Message with ID 'never-sent' not found", "\(path)")
            }
            let missing = try await client.execute(uri: "/v1/sessions/no-such-session?messageId=m", method: .get)
            #expect((missing.json["error"] as? [String: Any])?["code"] as? String == "session_not_found")
        }
    }

    /// `at` reads a time as the CLI's `--at` and `since` do: RFC 3339 (fractions allowed) or Unix seconds.
    @Test func asOfTimeTakesRFC3339OrUnixSeconds() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            try await Task.sleep(for: .milliseconds(50))
            let between = Date()
            try await Task.sleep(for: .milliseconds(50))
            _ = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .post, body: jsonBody(Self.assistant))
            let rfc3339 = between.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            for at in [String(between.timeIntervalSince1970), rfc3339] {
                let before = try await client.execute(uri: "/v1/sessions/\(id)?at=\(at)", method: .get)
                #expect(before.status == .ok, "\(at)")
                #expect(before.json["assistantMessageCount"] as? Int == 0, "\(at)")
            }
            let later = String(Date().timeIntervalSince1970 + 1)
            #expect(try await client.execute(uri: "/v1/sessions/\(id)?at=\(later)", method: .get).json["assistantMessageCount"] as? Int == 1)
            for bad in ["yesterday", "1e13", "0x10"] {
                #expect(try await client.execute(uri: "/v1/sessions/\(id)?at=\(bad)", method: .get).status == .badRequest, "\(bad)")
            }
            // Out of range for a log time, through a route that reads `since` straight into microseconds.
            #expect(try await client.execute(uri: "/v1/sessions/\(id)/items?since=1e13", method: .get).status == .badRequest)
        }
    }

    /// A misspelt field is a 400 naming it, on the single and the batch route, and appends nothing (decision 0163).
    @Test func anUnknownActivityFieldIsRefused() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            let single = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post,
                body: jsonBody(#"{"type":"message","role":"user","content":"hi"}"#))
            #expect(single.status == .badRequest)
            #expect((single.json["error"] as? [String: Any])?["field"] as? String == "content")
            let batch = try await client.execute(
                uri: "/v1/sessions/\(id)/events/batch", method: .post,
                body: jsonBody(#"{"items":[{"type":"message","role":"user","text":"ok"},{"type":"finish","eror":"x"}]}"#))
            #expect(batch.status == .badRequest)
            #expect((batch.json["error"] as? [String: Any])?["field"] as? String == "items[1].eror")
            #expect(try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get).jsonArray.count == 1)
        }
    }

    @Test func catchUpReadsByPosition() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            _ = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .post, body: jsonBody(Self.assistant))
            let page = try await client.execute(uri: "/v1/events?after=1", method: .get)
            let events = try #require(page.json["events"] as? [[String: Any]])
            #expect(events.map { $0["position"] as? Int } == [2])
            #expect(events.first?["type"] as? String == "message.appended")
        }
    }

    @Test func aCatchUpPageWithholdsTheBodiesOfASessionWhoseTombstoneItHoldsBeforeItIsApplied() async throws {
        let disk = ProjectionDisk(full: false)
        try await withHealthApplication(replay: disk.replay) { client, backend in
            _ = try await client.execute(
                uri: "/v1/sessions", method: .post, body: jsonBody(#"{"sessionId":"gone","title":"secret title"}"#))
            disk.full.withLock { $0 = true }
            // The tombstone is in the log (another node's, say); these projections have not applied it.
            let tombstone = try SessionEvent.deleted(SessionDeleted(sessionID: "gone", namespace: "default")).encoded()
            _ = try await backend.log.append(
                [ProposedRecord(type: tombstone.type, schemaVersion: tombstone.schemaVersion, body: tombstone.body)],
                to: "gone", expectedVersion: .exact(1))
            let page = try await client.execute(uri: "/v1/events?after=0", method: .get)
            let events = try #require(page.json["events"] as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["session.created", "session.deleted"])
            #expect(events[0]["redacted"] as? Bool == true)
            #expect(!String(buffer: page.body).contains("secret title"))
            disk.full.withLock { $0 = false }
        }
    }

    @Test func catchUpRedactsTheBodiesOfADeletedSession() async throws {
        try await withTestApplication { client in
            let gone = try await makeSession(client)
            let kept = try await makeSession(client)
            for id in [gone, kept] {
                _ = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .post, body: jsonBody(Self.assistant))
            }
            let deleted = try await client.execute(uri: "/api/sessions/\(gone)", method: .delete)
            #expect(deleted.status == .noContent)
            let page = try await client.execute(uri: "/v1/events?after=0", method: .get)
            let events = try #require(page.json["events"] as? [[String: Any]])
            #expect(events.map { $0["position"] as? Int } == [1, 2, 3, 4, 5])
            for event in events {
                let type = try #require(event["type"] as? String)
                let redacted = event["sessionId"] as? String == gone && type != "session.deleted"
                #expect((event["redacted"] as? Bool ?? false) == redacted, "\(event)")
                #expect((event["data"] is NSNull) == redacted, "\(event)")
            }
            #expect(events.filter { $0["sessionId"] as? String == gone }.map { $0["type"] as? String }
                == ["session.created", "message.appended", "session.deleted"])
        }
    }

    static let batch = #"""
        {"items":[
          {"type":"message","role":"assistant","text":"running","toolCalls":[{"id":"call-1","name":"Bash","input":"{}"}],"inputTokens":3,"outputTokens":2},
          {"type":"tool_result","toolCallId":"call-1","result":"ok"},
          {"type":"message","role":"assistant","text":"done","finishReason":"end_turn","inputTokens":4,"outputTokens":1}
        ]}
        """#

    @Test func batchAppendRecordsEveryItemInOneAppend() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            let key = HTTPField.Name("Idempotency-Key")!
            let appended = try await client.execute(
                uri: "/v1/sessions/\(id)/events/batch", method: .post, headers: [.ifMatch: "\"1\"", key: "b-1"],
                body: jsonBody(Self.batch))
            #expect(appended.status == .created)
            // The tool result opens the step's tool message, then records the result.
            #expect(appended.json["positions"] as? [Int] == [2, 3, 4, 5])
            #expect(
                appended.json["events"] as? [String]
                    == ["message.appended", "message.appended", "tool_result.recorded", "message.appended"])
            #expect(appended.headers[.eTag] == "\"5\"")
            let session = try await client.execute(uri: "/api/sessions/\(id)", method: .get)
            #expect(session.json["assistantMessageCount"] as? Int == 2)
            #expect(session.json["promptTokens"] as? Int == 7)

            let retry = try await client.execute(
                uri: "/v1/sessions/\(id)/events/batch", method: .post, headers: [key: "b-1"], body: jsonBody(Self.batch))
            #expect(retry.status == .ok)
            #expect(retry.json["deduplicated"] as? Bool == true)
            #expect(retry.json["positions"] as? [Int] == [2, 3, 4, 5])
            let stale = try await client.execute(
                uri: "/v1/sessions/\(id)/events/batch", method: .post, headers: [.ifMatch: "\"1\""],
                body: jsonBody(Self.batch))
            #expect(stale.status == .conflict)
            let events = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
            #expect(events.jsonArray.count == 5)
        }
    }

    @Test func batchWithAnInvalidItemAppendsNothing() async throws {
        try await withTestApplication { client in
            let id = try await makeSession(client)
            let badResult = #"{"items":[\#(Self.assistant),{"type":"tool_result","toolCallId":"no-such-call","result":"x"}]}"#
            let refused = try await client.execute(
                uri: "/v1/sessions/\(id)/events/batch", method: .post, body: jsonBody(badResult))
            #expect(refused.status == .notFound)
            let badShape = #"{"items":[\#(Self.assistant),{"type":"message","role":"robot"}]}"#
            let malformed = try await client.execute(
                uri: "/v1/sessions/\(id)/events/batch", method: .post, body: jsonBody(badShape))
            #expect(malformed.status == .badRequest)
            #expect((malformed.json["error"] as? [String: Any])?["field"] as? String == "items[1].role")
            let empty = try await client.execute(
                uri: "/v1/sessions/\(id)/events/batch", method: .post, body: jsonBody(#"{"items":[]}"#))
            #expect(empty.status == .badRequest)
            let events = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
            #expect(events.jsonArray.count == 1)
            let unknown = try await client.execute(
                uri: "/v1/sessions/nope/events/batch", method: .post, body: jsonBody(#"{"items":[\#(Self.assistant)]}"#))
            #expect(unknown.status == .notFound)
        }
    }
}
