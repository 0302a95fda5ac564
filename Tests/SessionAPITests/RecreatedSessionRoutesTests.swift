import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sessions
import TestSupport
import Testing

@testable import SessionAPI

/// A deleted session's id created again (decision 0177), through the HTTP faces: the native create answers 201 with
/// a session of its own, every read shows only it, the global feed withholds the deleted session's bodies and shows
/// the new one's, another namespace cannot take the id, and the Mix stream replays only the new session.
struct RecreatedSessionRoutesTests {
    static func message(_ id: String, _ text: String) -> ByteBuffer {
        jsonBody(#"{"type":"message","role":"user","messageId":"\#(id)","text":"\#(text)"}"#)
    }

    @Test func aDeletedSessionsIDIsCreatedAgainThroughTheNativeAPI() async throws {
        try await withTestApplication { client in
            let create = jsonBody(#"{"sessionId":"again","title":"old title","appName":"app","userId":"u1"}"#)
            #expect(try await client.execute(uri: "/v1/sessions", method: .post, body: create).status == .created)
            let old = try await client.execute(
                uri: "/v1/sessions/again/events", method: .post, body: Self.message("m1", "old secret words"))
            #expect(old.status == .created)
            #expect(try await client.execute(uri: "/api/sessions/again", method: .delete).status == .noContent)
            #expect(try await client.execute(uri: "/v1/sessions/again", method: .get).status == .notFound)

            let again = try await client.execute(
                uri: "/v1/sessions", method: .post,
                body: jsonBody(#"{"sessionId":"again","title":"new title","appName":"app","userId":"u1"}"#))
            #expect(again.status == .created)
            // Versions go on past the tombstone (3).
            #expect(again.json["version"] as? Int == 4 && again.headers[.eTag] == "\"4\"")
            #expect(again.json["title"] as? String == "new title" && again.json["messageCount"] as? Int == 0)
            // It lives now: another create is refused, as for any session.
            let twice = try await client.execute(uri: "/v1/sessions", method: .post, body: create)
            #expect(twice.status == .conflict)

            // Its messages may reuse the deleted session's ids.
            let new = try await client.execute(
                uri: "/v1/sessions/again/events", method: .post, body: Self.message("m1", "new words"))
            #expect(new.status == .created)
            let session = try await client.execute(uri: "/v1/sessions/again", method: .get)
            #expect(session.json["version"] as? Int == 5 && session.json["userMessageCount"] as? Int == 1)
            let export = try await client.execute(uri: "/v1/sessions/again/export", method: .get)
            #expect(!String(buffer: export.body).contains("old secret words"))
            #expect(String(buffer: export.body).contains("new words"))
            // Its audit history starts at its creation; the deleted session's points are none of its points.
            let history = try await client.execute(uri: "/v1/sessions/again/events", method: .get).jsonArray
            #expect(history.map { $0["type"] as? String } == ["session.created", "message.appended"])
            #expect(history.map { $0["version"] as? Int } == [4, 5])
            #expect(try await client.execute(uri: "/v1/sessions/again?version=2", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/sessions/again?version=4", method: .get).status == .ok)

            // The global feed: the deleted session's records withheld (its tombstone kept), the new one's shown.
            let page = try await client.execute(uri: "/v1/events?after=0", method: .get)
            let events = try #require(page.json["events"] as? [[String: Any]])
            #expect(events.map { $0["version"] as? Int } == [1, 2, 3, 4, 5])
            #expect(events.map { $0["redacted"] as? Bool ?? false } == [true, true, false, false, false])
            #expect(!String(buffer: page.body).contains("old secret words"))
            #expect(String(buffer: page.body).contains("new words"))
        }
    }

    @Test func anotherNamespaceCannotTakeADeletedSessionsID() async throws {
        try await APIKeyTests.withKeysForTwoNamespaces { client, secretA, secretB in
            let a = APIKeyTests.bearer(secretA), b = APIKeyTests.bearer(secretB)
            let create = jsonBody(#"{"sessionId":"taken","title":"a's"}"#)
            #expect(try await client.execute(uri: "/v1/sessions", method: .post, headers: a, body: create).status == .created)
            #expect(try await client.execute(uri: "/api/sessions/taken", method: .delete, headers: a).status == .noContent)

            let refused = try await client.execute(uri: "/v1/sessions", method: .post, headers: b, body: create)
            #expect(refused.status == .conflict)
            #expect(try await client.execute(uri: "/v1/sessions/taken", method: .get, headers: b).status == .notFound)
            let again = try await client.execute(uri: "/v1/sessions", method: .post, headers: a, body: create)
            #expect(again.status == .created && again.json["version"] as? Int == 3)
            #expect(try await client.execute(uri: "/v1/sessions/taken", method: .get, headers: b).status == .notFound)

            // A namespace's feed shows the new session's records; the deleted one's stay out of it, as before.
            let feedA = try await client.execute(uri: "/v1/events?after=0", method: .get, headers: a)
            let eventsA = try #require(feedA.json["events"] as? [[String: Any]])
            #expect(eventsA.map { $0["version"] as? Int } == [3])
            #expect(eventsA.first?["redacted"] == nil)
            let feedB = try await client.execute(uri: "/v1/events?after=0", method: .get, headers: b)
            #expect((feedB.json["events"] as? [Any])?.isEmpty == true)
        }
    }

    /// The Mix stream replays from the log: the deleted session's creation and its own records are not sent, the
    /// new session's creation (after the latest tombstone) and messages are.
    @Test func theMixStreamReplaysOnlyTheSessionOfTheIDNow() async throws {
        func record(_ position: UInt64, _ stream: SessionID, _ version: UInt64, _ event: SessionEvent) throws -> LogRecord {
            let encoded = try event.encoded()
            return LogRecord(
                position: LogPosition(position), stream: stream.rawValue, streamVersion: version,
                recordedAtMicros: 1_767_225_600_000_000 + Int64(position), type: encoded.type,
                schemaVersion: encoded.schemaVersion, eventID: .random(), metadata: [:], body: encoded.body)
        }
        let again: SessionID = "again"
        let records = [
            try record(1, again, 1, .created(SessionCreated(sessionID: again, namespace: "default", origin: .mix, title: "old title"))),
            try record(2, again, 2, .messageAppended(MessageAppended(messageID: "m1", role: .user, text: "old words"))),
            try record(3, again, 3, .deleted(SessionDeleted(sessionID: again, namespace: "default"))),
            try record(4, again, 4, .created(SessionCreated(sessionID: again, namespace: "default", origin: .mix, title: "new title"))),
            try record(5, again, 5, .messageAppended(MessageAppended(messageID: "m1", role: .user, text: "new words"))),
            try record(6, "other", 1, .created(SessionCreated(sessionID: "other", namespace: "default", origin: .mix, title: "other"))),
            // Live, past the stream's start.
            try record(11, again, 6, .messageAppended(MessageAppended(messageID: "m2", role: .user, text: "live words"))),
        ]
        var mapper = MixStreamEventMapper(
            sessionID: again, namespace: nil, liveAfter: 10, lookUpToolName: { _ in nil },
            latestTombstone: { $0 == again ? 3 : 0 })
        var sent: [(UInt64, String, String)] = []
        for record in records {
            for event in await mapper.events(for: record) { sent.append((event.id, event.event, event.data)) }
        }
        #expect(sent.map { $0.0 } == [3, 4, 5, 6, 11])
        #expect(sent.map { $0.1 } == ["session_deleted", "session_created", "user_message_created", "session_created", "user_message_created"])
        #expect(sent[1].2.contains("new title") && sent[2].2.contains("new words"))
        #expect(!sent.contains { $0.2.contains("old") })
    }
}
