import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SessionAPI

/// A write answered on one connection is visible at once on another: many writers at the same time, each
/// reading back through a second connection of its own, on the Mix and the native faces.
struct ReadYourWritesTests {
    static let writers = 8
    static let iterations = 25

    @Test func writesAreReadBackOnAnotherConnection() async throws {
        try await withTestApplication(.live) { client in
            let port = try #require(client.port)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.writers {
                    group.addTask { try await Self.writeAndReadBack(port: port) }
                }
                try await group.waitForAll()
            }
        }
    }

    static func writeAndReadBack(port: Int) async throws {
        let writer = TestClient(host: "127.0.0.1", port: port)
        let reader = TestClient(host: "127.0.0.1", port: port)
        writer.connect()
        reader.connect()
        for i in 0..<iterations {
            let created = try await writer.post("/api/sessions", body: ByteBuffer(string: MixRoutesTests.create))
            #expect(created.status == .created)
            let session = try JSONSerialization.jsonObject(with: Data(buffer: created.body ?? ByteBuffer())) as? [String: Any]
            let id = try #require(session?["id"] as? String)
            let mix = try await reader.get("/api/sessions/\(id)")
            #expect(mix.status == .ok, "Mix read-back of \(id) in iteration \(i)")
            // Read natively before the append too, so the read after it finds the session in the cache.
            #expect(try await reader.get("/v1/sessions/\(id)").status == .ok)
            // And export it, so the export after the append must not be the one kept before it (decision 0153).
            #expect(try await reader.get("/v1/sessions/\(id)/export").status == .ok)
            let appended = try await writer.post(
                "/v1/sessions/\(id)/events",
                body: ByteBuffer(string: #"{"type":"message","role":"assistant","text":"ok"}"#))
            #expect(appended.status == .created, "\(String(buffer: appended.body ?? ByteBuffer()))")
            let native = try await reader.get("/v1/sessions/\(id)")
            #expect(native.status == .ok, "native read-back of \(id) in iteration \(i)")
            #expect(native.head.headerFields[.eTag] == appended.head.headerFields[.eTag], "the native read shows the append")
            for path in ["/v1/sessions/\(id)/export", "/api/sessions/\(id)/export"] {
                let export = try await reader.get(path)
                let document = try JSONSerialization.jsonObject(with: Data(buffer: export.body ?? ByteBuffer())) as? [String: Any]
                #expect(
                    (document?["messages"] as? [Any])?.count == 1 && "\"\(document?["version"] ?? "")\"" == appended.head.headerFields[.eTag],
                    "\(path) shows the append in iteration \(i)")
            }
        }
        try await writer.shutdown()
        try await reader.shutdown()
    }
}
