import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SessionAPI

/// Session ids a client sends must be in Unicode NFC (decision 0159): Swift would take "café" with a combining
/// accent for the precomposed one (and find that session's cached state and log stream), SQLite would not.
struct SessionIDNormalizationTests {
    static let composed = "caf\u{E9}"  // é, one scalar
    static let decomposed = "cafe\u{301}"  // e and a combining acute accent

    static func path(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
    }

    @Test func anIdNotInNFCIsRefusedEverywhereAClientNamesASession() async throws {
        #expect(Self.composed == Self.decomposed, "Swift compares them as equal: the reason for the rule")
        try await withTestApplication { client in
            let created = try await client.execute(
                uri: "/v1/sessions", method: .post, body: jsonBody(#"{"sessionId":"\#(Self.composed)"}"#))
            #expect(created.status == .created)
            #expect(try await client.execute(uri: "/v1/sessions/\(Self.path(Self.composed))", method: .get).status == .ok)

            let refusedCreate = try await client.execute(
                uri: "/v1/sessions", method: .post, body: jsonBody(#"{"sessionId":"\#(Self.decomposed)"}"#))
            #expect(refusedCreate.status == .badRequest)
            let get = try await client.execute(uri: "/v1/sessions/\(Self.path(Self.decomposed))", method: .get)
            #expect(get.status == .badRequest)
            let append = try await client.execute(
                uri: "/v1/sessions/\(Self.path(Self.decomposed))/events", method: .post,
                body: jsonBody(#"{"type":"message","role":"user","text":"hi"}"#))
            #expect(append.status == .badRequest)
            let batch = try await client.execute(
                uri: "/v1/events/batch", method: .post,
                body: jsonBody(
                    #"{"appends":[{"sessionId":"\#(Self.decomposed)","items":[{"type":"message","role":"user","text":"hi"}]}]}"#
                ))
            #expect(String(buffer: batch.body).contains("NFC"), "the entry is refused: \(String(buffer: batch.body))")
            let events = try await client.execute(
                uri: "/v1/events/stream?sessionId=\(Self.path(Self.decomposed))", method: .get)
            #expect(events.status == .badRequest)

            // Nothing reached the composed session: its version is still its creation's.
            let session = try await client.execute(uri: "/v1/sessions/\(Self.path(Self.composed))", method: .get)
            #expect(session.json["version"] as? Int == 1)
        }
    }
}
