import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import SessionAPI

/// A daemon without API keys answers the processes of its machine, and the pages it serves itself, but not a page
/// of another site in its user's browser, nor a request under another host name (DNS rebinding).
struct OpenDaemonOriginTests {
    @Test func loopbackNamesAndAddressesAreTheMachinesOwn() {
        for host in ["localhost", "LOCALHOST", "app.localhost", "localhost.", "127.0.0.1", "127.1.2.3", "::1"] {
            #expect(OpenDaemonOrigin.isLoopback(host: Substring(host)), "\(host)")
        }
        for host in ["evil.example", "127.0.0.1.evil.example", "128.0.0.1", "127.0.0", "127.0.0.256", "0.0.0.0", ""] {
            #expect(!OpenDaemonOrigin.isLoopback(host: Substring(host)), "\(host)")
        }
        #expect(OpenDaemonOrigin.host(ofOrigin: "http://[::1]:8088") == "::1")
        #expect(OpenDaemonOrigin.host(ofOrigin: "http://127.0.0.1:8088") == "127.0.0.1")
        #expect(OpenDaemonOrigin.host(ofOrigin: "null") == nil)
        #expect(OpenDaemonOrigin.host(ofAuthority: "localhost") == "localhost")
    }

    /// The test clients always say `Host: localhost`; a rebinding site's name comes as the request's authority.
    @Test func anotherHostNameIsRefused() throws {
        func request(authority: String) -> Request {
            Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: authority, path: "/v1/sessions"),
                body: RequestBody(buffer: ByteBuffer()))
        }
        #expect(throws: APIError.self) { try OpenDaemonOrigin.check(request(authority: "evil.example:8088")) }
        for authority in ["127.0.0.1:8088", "localhost", "[::1]:8088", "0.0.0.0:8088", "127.0.0.1.:8088"] {
            #expect(throws: Never.self) { try OpenDaemonOrigin.check(request(authority: authority)) }
        }
    }

    @Test func anotherSitesPageIsRefusedAndNothingIsWritten() async throws {
        try await withTestApplication { client in
            let create = jsonBody(#"{"title":"from a page","browserMode":"local-browser-service"}"#)
            for headers: HTTPFields in [[.origin: "https://evil.example"], [.origin: "null"]] {
                let refused = try await client.execute(uri: "/api/sessions", method: .post, headers: headers, body: create)
                #expect(refused.status == .forbidden, "\(headers)")
                #expect(String(buffer: refused.body).contains("This daemon has no API keys"), "\(headers)")
                let read = try await client.execute(uri: "/v1/sessions", method: .get, headers: headers)
                #expect(read.status == .forbidden, "\(headers)")
            }
            #expect(try await client.execute(uri: "/api/sessions", method: .get).jsonArray.isEmpty)
            // Its own console's page, a tool on loopback, and clients that are no browser are served.
            for headers: HTTPFields in [[.origin: "http://127.0.0.1:8088"], [.origin: "http://localhost:5173"], [:]] {
                let created = try await client.execute(uri: "/api/sessions", method: .post, headers: headers, body: create)
                #expect(created.status == .created, "\(headers)")
            }
        }
    }

    @Test func withKeysAPageOfAnySiteNeedsOneLikeAnyClient() async throws {
        let secret = Mutex("")
        try await withTestApplication(configure: { configuration in
            let created = try APIKeyStore(directory: configuration.dataDirectory).create(namespace: "team").secret
            secret.withLock { $0 = created }
        }) { client in
            let key = secret.withLock { $0 }
            let headers: HTTPFields = [.origin: "https://app.example", .authorization: "Bearer \(key)"]
            let created = try await client.execute(
                uri: "/api/sessions", method: .post, headers: headers,
                body: jsonBody(#"{"title":"from the team's app","browserMode":"local-browser-service"}"#))
            #expect(created.status == .created)
        }
    }
}
