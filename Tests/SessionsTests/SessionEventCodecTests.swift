import Foundation
import Sessions
import Testing

/// The wire form of events: stable types and versions, deterministic bodies, round trips, upcasting.
struct SessionEventCodecTests {
    @Test func everyEventTypeHasASample() {
        #expect(Set(EventSamples.all.map(\.eventType)) == Set(EventType.allCases))
    }

    @Test(arguments: EventSamples.all)
    func encodeThenDecodeGivesTheSameEvent(_ event: SessionEvent) throws {
        let encoded = try event.encoded()
        #expect(encoded.type == event.type)
        #expect(encoded.schemaVersion == 1)
        let decoded = try SessionEvent.decode(
            type: encoded.type,
            schemaVersion: encoded.schemaVersion,
            body: encoded.body
        )
        #expect(decoded == event)
        #expect(try decoded.encoded() == encoded)  // deterministic bytes
    }

    @Test func wireTypesAreStableStrings() {
        #expect(
            EventType.allCases.map(\.rawValue) == [
                "session.created", "session.title_changed", "message.appended", "tool_result.recorded",
                "callback_result.recorded", "callbacks.replaced", "user_memory.updated", "session.rewound",
                "processing.started", "processing.cancelled", "processing.finished", "session.archived",
                "session.terminated", "file.added", "file.removed", "session.deleted", "event.erased",
                "session.forked", "messages.removed", "state.updated",
            ]
        )
        #expect(EventType.allCases.allSatisfy { $0.currentSchemaVersion == 1 })
    }

    @Test func bodiesAreCompactJSONWithSortedCamelCaseKeys() throws {
        let event = SessionEvent.toolResultRecorded(
            ToolResultRecorded(toolCallID: "c1", messageID: "t1", result: "ok/done")
        )
        let body = String(decoding: try event.encoded().body, as: UTF8.self)
        #expect(
            body
                == #"{"finished":true,"isError":false,"messageId":"t1","result":"ok/done","#
                + #""screenshotUrls":[],"toolCallId":"c1"}"#
        )
    }

    @Test func objectKeysInsideFreeFormValuesAreSortedToo() throws {
        let a = SessionEvent.userMemoryUpdated(
            UserMemoryUpdated(userMemory: ["b": .number(1), "a": .object(["z": .null, "y": .bool(false)])])
        )
        let body = String(decoding: try a.encoded().body, as: UTF8.self)
        #expect(body == #"{"userMemory":{"a":{"y":false,"z":null},"b":1}}"#)
    }

    /// A fork's copy carries `copiedFrom` through the codec; a body without it (every body written before the
    /// field, at the same schema version) still decodes, to a message sent in its own session.
    @Test func aCopysMarkRoundTripsAndAnOlderBodyWithoutItStillDecodes() throws {
        let copy = SessionEvent.messageAppended(
            MessageAppended(messageID: "u1", role: .user, text: "hi", copiedFrom: "s-0"))
        let encoded = try copy.encoded()
        #expect(encoded.schemaVersion == 1)
        #expect(
            String(decoding: encoded.body, as: UTF8.self)
                == #"{"copiedFrom":"s-0","messageId":"u1","role":"user","text":"hi","toolCalls":[]}"#)
        let decodedCopy = try SessionEvent.decode(type: encoded.type, schemaVersion: 1, body: encoded.body)
        #expect(decodedCopy == copy)

        let old = #"{"messageId":"u2","role":"user","text":"hi","toolCalls":[]}"#
        let decodedOld = try SessionEvent.decode(type: "message.appended", schemaVersion: 1, body: Array(old.utf8))
        #expect(decodedOld == .messageAppended(MessageAppended(messageID: "u2", role: .user, text: "hi")))
        #expect(try decodedOld.encoded().body == Array(old.utf8))

        // Folded, the mark is what tells a copy from a message sent here.
        var state = SessionState.initial
        state.apply(mixCreated, version: 1, recordedAt: t0)
        state.apply(decodedCopy, version: 2, recordedAt: at(1))
        state.apply(decodedOld, version: 3, recordedAt: at(2))
        #expect(state.messageFacts("u1")?.isCopy == true)
        #expect(state.messageFacts("u2")?.isCopy == false)
    }

    @Test func decodingRejectsAnUnknownType() {
        expectError(.unknownEventType("session.exploded")) { () throws(SessionError) in
            _ = try SessionEvent.decode(type: "session.exploded", schemaVersion: 1, body: Array("{}".utf8))
        }
    }

    @Test(arguments: [0, 2, UInt16.max] as [UInt16])
    func decodingRejectsAVersionThisBuildCannotRead(_ version: UInt16) {
        expectError(.unsupportedSchemaVersion(type: "message.appended", schemaVersion: version, newest: 1)) {
            () throws(SessionError) in
            _ = try SessionEvent.decode(type: "message.appended", schemaVersion: version, body: Array("{}".utf8))
        }
    }

    @Test(arguments: [
        (#"{"role":"user"}"#, "missing key 'messageId'"),
        (#"{"messageId":"m1","role":"robot","toolCalls":[]}"#, "invalid value at 'role'"),
        (#"{"messageId":"","role":"user","toolCalls":[]}"#, "invalid value at 'messageId'"),
        (#"{"messageId":"m1","role":"user","toolCalls":[],"inputTokens":"many"}"#, "wrong type at 'inputTokens'"),
        ("not json", "invalid value at 'body'"),
    ])
    func decodingRejectsABadBodyWithoutEchoingIt(body: String, reason: String) {
        expectError(.undecodableEvent(type: "message.appended", schemaVersion: 1, reason: reason)) {
            () throws(SessionError) in
            _ = try SessionEvent.decode(type: "message.appended", schemaVersion: 1, body: Array(body.utf8))
        }
    }

    @Test func decodeAcceptsAnyByteCollection() throws {
        let encoded = try EventSamples.all[0].encoded()
        let slice = ([0, 0] + encoded.body)[2...]
        #expect(try SessionEvent.decode(type: encoded.type, schemaVersion: 1, body: slice) == EventSamples.all[0])
    }

    @Test func upcastersRunInOrderFromTheRecordsVersion() throws {
        // A made-up history: v1 → v2 renamed "title" to "name", v2 → v3 wrapped it back as "title".
        let table: [EventType: [UInt16: EventUpcaster]] = [
            .sessionTitleChanged: [
                1: { body throws(SessionError) in
                    var body = body
                    body["name"] = body.removeValue(forKey: "title")
                    return body
                },
                2: { body throws(SessionError) in
                    var body = body
                    if case .string(let name)? = body.removeValue(forKey: "name") {
                        body["title"] = .string(name + "!")
                    }
                    return body
                },
            ]
        ]
        let v1 = Data(#"{"title":"old"}"#.utf8)
        let v3 = try SessionEvent.upcast(.sessionTitleChanged, body: v1, from: 1, using: table, to: 3)
        #expect(String(decoding: v3, as: UTF8.self) == #"{"title":"old!"}"#)
        let fromV2 = try SessionEvent.upcast(
            .sessionTitleChanged,
            body: Data(#"{"name":"n"}"#.utf8),
            from: 2,
            using: table,
            to: 3
        )
        #expect(String(decoding: fromV2, as: UTF8.self) == #"{"title":"n!"}"#)
    }

    @Test func aMissingUpcasterIsAClearError() {
        expectError(
            .undecodableEvent(
                type: "session.title_changed",
                schemaVersion: 1,
                reason: "no upcaster from schema version 1 to 2"
            )
        ) { () throws(SessionError) in
            _ = try SessionEvent.upcast(.sessionTitleChanged, body: Data("{}".utf8), from: 1, using: [:], to: 2)
        }
    }

    @Test func thisBuildNeedsNoUpcasters() {
        #expect(SessionEvent.upcasters.isEmpty)
    }

    @Test func encodingANonFiniteNumberFailsClearly() {
        let event = SessionEvent.messageAppended(MessageAppended(messageID: "m1", role: .assistant, cost: .infinity))
        do {
            _ = try event.encoded()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "unencodable_event")
        }
    }
}
