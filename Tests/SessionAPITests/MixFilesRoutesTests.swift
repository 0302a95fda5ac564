import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogStores
import Synchronization
import Testing

@testable import SessionAPI

/// The Mix session-file routes: upload (multipart), list, download, delete, and rewind's media clean-up.
struct MixFilesRoutesTests {
    static let boundary = "sessiond-test-boundary"

    /// A multipart/form-data body with one part.
    static func form(field: String = "file", filename: String, type: String = "text/plain", content: [UInt8])
        -> ByteBuffer
    {
        var buffer = ByteBuffer()
        buffer.writeString("--\(boundary)\r\n")
        buffer.writeString("Content-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n")
        buffer.writeString("Content-Type: \(type)\r\n\r\n")
        buffer.writeBytes(content)
        buffer.writeString("\r\n--\(boundary)--\r\n")
        return buffer
    }

    static let formHeaders: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]

    static func createSession(_ client: any TestClientProtocol) async throws -> String {
        let created = try await client.execute(
            uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
        return try #require(created.json["id"] as? String)
    }

    static func upload(_ client: any TestClientProtocol, _ id: String, _ name: String, _ text: String) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: "/api/sessions/\(id)/files/upload", method: .post, headers: formHeaders,
            body: form(filename: name, content: Array(text.utf8)))
    }

    @Test func uploadListDownloadDelete() async throws {
        try await withTestApplication { client in
            let id = try await Self.createSession(client)
            let uploaded = try await Self.upload(client, id, "notes.txt", "hello files")
            #expect(uploaded.status == .created)
            #expect(uploaded.json["name"] as? String == "notes.txt")
            #expect(uploaded.json["size"] as? Int == 11)
            #expect(uploaded.json["isDir"] as? Bool == false)
            #expect(uploaded.json["url"] as? String == "/api/sessions/\(id)/files/notes.txt")
            #expect((uploaded.json["modified"] as? Int ?? 0) > 1_700_000_000)

            let listed = try await client.execute(uri: "/api/sessions/\(id)/files", method: .get)
            #expect(listed.status == .ok)
            #expect(listed.jsonArray.map { $0["name"] as? String } == ["notes.txt"])

            let downloaded = try await client.execute(uri: "/api/sessions/\(id)/files/notes.txt", method: .get)
            #expect(downloaded.status == .ok)
            #expect(String(buffer: downloaded.body) == "hello files")
            #expect(downloaded.headers[.contentType] == "text/plain")
            // Served inert: the uploader's type is not sniffed around, and a page or SVG runs nothing.
            #expect(downloaded.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(downloaded.headers[ConsoleController.contentSecurityPolicy] == "sandbox; default-src 'none'")

            let deleted = try await client.execute(uri: "/api/sessions/\(id)/files/notes.txt", method: .delete)
            #expect(deleted.status == .noContent)
            let after = try await client.execute(uri: "/api/sessions/\(id)/files", method: .get)
            #expect(after.jsonArray.isEmpty)
            let gone = try await client.execute(uri: "/api/sessions/\(id)/files/notes.txt", method: .get)
            #expect(gone.status == .notFound)
            let again = try await client.execute(uri: "/api/sessions/\(id)/files/notes.txt", method: .delete)
            #expect(again.status == .notFound)
        }
    }

    @Test func uploadingTheSameNameReplacesTheFile() async throws {
        try await withTestApplication { client in
            let id = try await Self.createSession(client)
            _ = try await Self.upload(client, id, "a.txt", "first")
            _ = try await Self.upload(client, id, "b.txt", "other")
            let second = try await Self.upload(client, id, "a.txt", "second version")
            #expect(second.status == .created)
            let listed = try await client.execute(uri: "/api/sessions/\(id)/files", method: .get)
            #expect(listed.jsonArray.map { $0["name"] as? String } == ["a.txt", "b.txt"])
            let downloaded = try await client.execute(uri: "/api/sessions/\(id)/files/a.txt", method: .get)
            #expect(String(buffer: downloaded.body) == "second version")
        }
    }

    @Test func filesOfAnUnknownSessionAre404() async throws {
        try await withTestApplication { client in
            let listed = try await client.execute(uri: "/api/sessions/nope/files", method: .get)
            #expect(listed.status == .notFound)
            let uploaded = try await Self.upload(client, "nope", "a.txt", "x")
            #expect(uploaded.status == .notFound)
            let error = try #require(uploaded.json["error"] as? [String: Any])
            #expect(error["message"] as? String == "Session with ID 'nope' not found")
        }
    }

    @Test func badUploadsAre400AndAppendNothing() async throws {
        try await withTestApplication { client in
            let id = try await Self.createSession(client)
            let notMultipart = try await client.execute(
                uri: "/api/sessions/\(id)/files/upload", method: .post, body: jsonBody("{}"))
            #expect(notMultipart.status == .badRequest)
            let wrongField = try await client.execute(
                uri: "/api/sessions/\(id)/files/upload", method: .post, headers: Self.formHeaders,
                body: Self.form(field: "document", filename: "a.txt", content: [1]))
            #expect(wrongField.status == .badRequest)
            #expect((wrongField.json["error"] as? [String: Any])?["message"] as? String == "file is required")
            let traversal = try await Self.upload(client, id, "../escape.txt", "x")
            #expect(traversal.status == .badRequest)
            var truncated = Self.form(filename: "a.txt", content: [1, 2, 3])
            truncated.moveWriterIndex(to: truncated.writerIndex - 10)
            let malformed = try await client.execute(
                uri: "/api/sessions/\(id)/files/upload", method: .post, headers: Self.formHeaders, body: truncated)
            #expect(malformed.status == .badRequest)
            let listed = try await client.execute(uri: "/api/sessions/\(id)/files", method: .get)
            #expect(listed.jsonArray.isEmpty)
            let badThumb = try await client.execute(uri: "/api/sessions/\(id)/files/a.txt?thumb=big", method: .get)
            #expect(badThumb.status == .badRequest)
        }
    }

    @Test func aRefusedFileNameOrMediaTypeStoresNoBytes() async throws {
        let dataDirectory = Mutex("")
        try await withTestApplication(configure: { configuration in
            dataDirectory.withLock { $0 = configuration.dataDirectory }
        }) { client in
            let id = try await Self.createSession(client)
            for (name, type) in [("a/b", "text/plain"), ("", "text/plain"), ("a\u{1}b", "text/plain"),
                                 ("ok.txt", String(repeating: "x", count: 300)), ("ok.txt", "text/plain\u{7}")] {
                let refused = try await client.execute(
                    uri: "/api/sessions/\(id)/files/upload", method: .post, headers: Self.formHeaders,
                    body: Self.form(filename: name, type: type, content: Array("secret bytes".utf8)))
                #expect(refused.status == .badRequest, "\(name) \(type)")
            }
            let blobs = BlobStores.directory(in: dataDirectory.withLock { $0 })
            let stored = FileManager.default.enumerator(atPath: blobs)?.allObjects.compactMap { $0 as? String } ?? []
            #expect(!stored.contains { ($0 as NSString).lastPathComponent.count == 64 }, "\(stored)")
            #expect(try await Self.upload(client, id, "ok.txt", "kept").status == .created)
        }
    }

    @Test func fileOverTheUploadLimitIs413() async throws {
        try await withTestApplication { client in
            let id = try await Self.createSession(client)
            let tooLarge = [UInt8](repeating: 0x61, count: (32 << 20) + 1)
            let response = try await client.execute(
                uri: "/api/sessions/\(id)/files/upload", method: .post, headers: Self.formHeaders,
                body: Self.form(filename: "big.bin", content: tooLarge))
            #expect(response.status == .contentTooLarge)
            #expect((response.json["error"] as? [String: Any])?["type"] as? String == "bad_request")
            let listed = try await client.execute(uri: "/api/sessions/\(id)/files", method: .get)
            #expect(listed.jsonArray.isEmpty)
        }
    }

    @Test func rewindWithCleanupMediaRemovesFilesAddedAfterTheKeptMessage() async throws {
        try await withTestApplication { client in
            let id = try await Self.createSession(client)
            _ = try await Self.upload(client, id, "early.txt", "before")
            for text in ["one", "two"] {
                _ = try await client.execute(
                    uri: "/api/sessions/\(id)/messages", method: .post, body: jsonBody(#"{"text":"\#(text)"}"#))
                _ = try await client.execute(uri: "/api/sessions/\(id)/cancel", method: .post)
            }
            _ = try await Self.upload(client, id, "late.txt", "after")
            let messages = try await client.execute(uri: "/api/sessions/\(id)/messages", method: .get)
            let first = try #require(messages.jsonArray.first?["id"] as? String)

            let rewound = try await client.execute(
                uri: "/api/sessions/\(id)/rewind", method: .post,
                body: jsonBody(#"{"messageId":"\#(first)","cleanupMedia":true}"#))
            #expect(rewound.status == .ok)
            let listed = try await client.execute(uri: "/api/sessions/\(id)/files", method: .get)
            #expect(listed.jsonArray.map { $0["name"] as? String } == ["early.txt"])
            let late = try await client.execute(uri: "/api/sessions/\(id)/files/late.txt", method: .get)
            #expect(late.status == .notFound)

            // Non-destructive: the audit history still has the upload and records the clean-up.
            let history = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
            let text = String(buffer: history.body)
            #expect(text.contains("rewind_cleanup"))
            #expect(text.components(separatedBy: "\"file.added\"").count - 1 == 2)
        }
    }
}
