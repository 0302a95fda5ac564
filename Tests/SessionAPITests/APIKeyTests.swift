import Blobs
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@testable import SessionAPI

/// API keys: the key file, and authentication and namespace scoping on every face.
struct APIKeyTests {
    static let createMix = #"{"title":"hello","browserMode":"local-browser-service"}"#

    /// A test application with one key for namespace `a` and one for `b`; `body` gets their secrets.
    static func withKeysForTwoNamespaces(
        _ body: @Sendable (_ client: any TestClientProtocol, _ a: String, _ b: String) async throws -> Void
    ) async throws {
        let keys = Captured()
        try await withTestApplication(configure: { configuration in
            let store = APIKeyStore(directory: configuration.dataDirectory)
            keys["a"] = try store.create(namespace: "a").secret
            keys["b"] = try store.create(namespace: "b").secret
        }) { client in
            try await body(client, keys["a"], keys["b"])
        }
    }

    static func bearer(_ secret: String, namespace: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(secret)"]
        if let namespace { fields[HTTPField.Name("X-Namespace")!] = namespace }
        return fields
    }

    @Test func theBearerTokenIsReadWhateverTheSchemesCaseAndTheSpacesAround() {
        #expect(APIKeyMiddleware.bearerToken("Bearer sk_1") == "sk_1")
        #expect(APIKeyMiddleware.bearerToken("bEARER \t sk_2 \t") == "sk_2")
        #expect(APIKeyMiddleware.bearerToken("BEARER sk 3") == "sk 3")
        for refused in [nil, "", "Bearer", "Bearer ", "Bearer  \t ", "Basic sk_1", "Bearersk_1", "Bearer\tsk_1", "Béarer sk"] {
            #expect(APIKeyMiddleware.bearerToken(refused) == nil, "\(String(describing: refused))")
        }
    }

    @Test func storeKeepsOnlyTheDigest() async throws {
        try await withTemporaryDirectory { directory in
            let store = APIKeyStore(directory: directory)
            let (key, secret) = try store.create(namespace: "team-a")
            #expect(secret.hasPrefix("sk_") && secret.count == 67)
            #expect(key.sha256 == BlobDigest(of: Array(secret.utf8)).hex)
            let file = try String(contentsOfFile: store.path, encoding: .utf8)
            #expect(!file.contains(secret))
            #expect(try store.keys().map { [$0.id, $0.namespace, $0.sha256] } == [[key.id, key.namespace, key.sha256]])
            let revoked = try store.revoke(id: key.id)
            #expect(revoked.revokedAt != nil && !revoked.isActive)
            #expect(try store.keys().map(\.id) == [key.id])
            #expect(throws: APIKeyStoreError.unknownKey(id: "key_nope")) { try store.revoke(id: "key_nope") }
            #expect(throws: APIKeyStoreError.invalidNamespace("a b")) { try store.create(namespace: "a b") }
        }
    }

    @Test func corruptKeyFileIsAClearError() async throws {
        try await withTemporaryDirectory { directory in
            let store = APIKeyStore(directory: directory)
            try "not json".write(toFile: store.path, atomically: true, encoding: .utf8)
            #expect(throws: APIKeyStoreError.self) { try store.keys() }
        }
    }

    @Test func aKeyFileThatCannotBeReadIsAnErrorNotNoKeys() async throws {
        try await withTemporaryDirectory { directory in
            let store = APIKeyStore(directory: directory)
            #expect(try store.keys().isEmpty)  // none yet: an open daemon
            // Something at the file's place that cannot be read as one (as a file without read permission is):
            // read as "no keys", a loopback daemon would be open to every namespace.
            try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: false)
            #expect(throws: APIKeyStoreError.self) { try store.keys() }
            #expect(throws: APIKeyStoreError.self) { try APIKeyring(store: store) }
        }
    }

    @Test func nonLoopbackServesOnlyWithAKey() async throws {
        await #expect(throws: APIConfigurationError.nonLoopbackWithoutKeys(host: "0.0.0.0")) {
            try await withTestApplication(configure: { $0.host = "0.0.0.0" }) { _ in }
        }
        // A name under localhost is bound as whatever it resolves to: not taken for loopback.
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            var configuration = APIConfiguration()
            configuration.host = host
            #expect(configuration.isLoopback, "\(host)")
        }
        for host in ["app.localhost", "app.localhost.", "APP.LOCALHOST"] {
            var named = APIConfiguration()
            named.host = host
            #expect(!named.isLoopback, "\(host)")
        }
        try await withTestApplication(configure: { configuration in
            configuration.host = "0.0.0.0"
            _ = try APIKeyStore(directory: configuration.dataDirectory).create(namespace: "a")
        }) { client in
            let response = try await client.execute(uri: "/api/sessions", method: .get)
            #expect(response.status == .unauthorized)
        }
    }

    @Test func everyFaceNeedsAValidKeyIn401Envelopes() async throws {
        try await withTestApplication(configure: { configuration in
            _ = try APIKeyStore(directory: configuration.dataDirectory).create(namespace: "a")
        }) { client in
            for headers in [HTTPFields(), Self.bearer("sk_wrong")] {
                let mix = try await client.execute(uri: "/api/sessions", method: .get, headers: headers)
                #expect(mix.status == .unauthorized)
                #expect((mix.json["error"] as? [String: Any])?["type"] as? String == "unauthorized")
                let native = try await client.execute(uri: "/v1/events", method: .get, headers: headers)
                #expect(native.status == .unauthorized)
                #expect((native.json["error"] as? [String: Any])?["status"] as? Int == 401)
                var mixpeekHeaders = headers
                mixpeekHeaders[HTTPField.Name("X-Namespace")!] = "a"
                let mixpeek = try await client.execute(uri: "/v1/agents/sessions/list", method: .post, headers: mixpeekHeaders)
                #expect(mixpeek.status == .unauthorized)
                #expect((mixpeek.json["error"] as? [String: Any])?["type"] as? String == "AuthenticationError")
                let metrics = try await client.execute(uri: "/metrics", method: .get, headers: headers)
                #expect(metrics.status == .unauthorized)
            }
            // Probes and the API description stay open.
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/openapi.json", method: .get).status == .ok)
        }
    }

    @Test func aKeySeesOnlyItsNamespaceOnEveryFace() async throws {
        try await Self.withKeysForTwoNamespaces { client, secretA, secretB in
            let a = Self.bearer(secretA), b = Self.bearer(secretB)
            let created = try await client.execute(
                uri: "/api/sessions", method: .post, headers: a, body: jsonBody(Self.createMix))
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            for uri in ["/api/sessions/\(id)", "/api/sessions/\(id)/messages", "/v1/sessions/\(id)", "/v1/sessions/\(id)/events"] {
                // The first read keeps the answer; the other namespace's read then finds it cached.
                #expect(try await client.execute(uri: uri, method: .get, headers: a).status == .ok, "\(uri)")
                #expect(try await client.execute(uri: uri, method: .get, headers: b).status == .notFound, "\(uri)")
            }
            // An as-of message names the message only to the session's own namespace: to another, the session is
            // as unknown as without it.
            let asOfMessage = "/v1/sessions/\(id)?messageId=never-sent"
            let ownMessage = try await client.execute(uri: asOfMessage, method: .get, headers: a)
            #expect((ownMessage.json["error"] as? [String: Any])?["code"] as? String == "message_not_found")
            let otherMessage = try await client.execute(uri: asOfMessage, method: .get, headers: b)
            #expect(otherMessage.status == .notFound)
            #expect((otherMessage.json["error"] as? [String: Any])?["code"] as? String == "session_not_found")
            // Read by its own namespace first, so the other's read finds the answer cached and still gets 404.
            let own = try await client.execute(
                uri: "/v1/agents/sessions/\(id)", method: .get, headers: Self.bearer(secretA, namespace: "a"))
            #expect(own.status == .ok)
            let mixpeek = try await client.execute(
                uri: "/v1/agents/sessions/\(id)", method: .get, headers: Self.bearer(secretB, namespace: "b"))
            #expect(mixpeek.status == .notFound)
            #expect(try await client.execute(uri: "/api/sessions", method: .get, headers: b).jsonArray.isEmpty)
            #expect(try await client.execute(uri: "/api/sessions", method: .get, headers: a).jsonArray.count == 1)
            // Writes to another namespace's session are 404 and append nothing.
            let deleted = try await client.execute(uri: "/api/sessions/\(id)", method: .delete, headers: b)
            #expect(deleted.status == .notFound)
            #expect(try await client.execute(uri: "/api/sessions/\(id)", method: .get, headers: a).status == .ok)
            // The global feed shows a namespaced key only its namespace's records.
            let feedA = try await client.execute(uri: "/v1/events", method: .get, headers: a)
            #expect((feedA.json["events"] as? [Any])?.count == 1)
            let feedB = try await client.execute(uri: "/v1/events", method: .get, headers: b)
            #expect((feedB.json["events"] as? [Any])?.isEmpty == true)
            #expect(feedB.json["next"] as? Int == feedA.json["next"] as? Int)
            // A key cannot name another namespace with X-Namespace.
            let crossed = try await client.execute(
                uri: "/v1/agents/sessions/list", method: .post, headers: Self.bearer(secretB, namespace: "a"))
            #expect(crossed.status == .unauthorized)
        }
    }

    @Test func revokedAndNewKeysCountOnTheNextRequest() async throws {
        let keys = Captured()
        try await withTestApplication(configure: { configuration in
            keys["directory"] = configuration.dataDirectory
            keys["a"] = try APIKeyStore(directory: configuration.dataDirectory).create(namespace: "a").secret
        }) { client in
            let store = APIKeyStore(directory: keys["directory"])
            #expect(try await client.execute(uri: "/api/sessions", method: .get, headers: Self.bearer(keys["a"])).status == .ok)
            let (second, secret) = try store.create(namespace: "a")
            #expect(try await client.execute(uri: "/api/sessions", method: .get, headers: Self.bearer(secret)).status == .ok)
            try store.revoke(id: second.id)
            #expect(
                try await client.execute(uri: "/api/sessions", method: .get, headers: Self.bearer(secret)).status
                    == .unauthorized)
            #expect(try await client.execute(uri: "/api/sessions", method: .get, headers: Self.bearer(keys["a"])).status == .ok)
        }
    }

    @Test func revokingTheLastKeyOffLoopbackClosesTheAPI() async throws {
        let keys = Captured()
        try await withTestApplication(configure: { configuration in
            configuration.host = "0.0.0.0"
            keys["directory"] = configuration.dataDirectory
            let (key, secret) = try APIKeyStore(directory: configuration.dataDirectory).create(namespace: "a")
            keys["a"] = secret
            keys["b"] = key.id
        }) { client in
            try APIKeyStore(directory: keys["directory"]).revoke(id: keys["b"])
            #expect(try await client.execute(uri: "/api/sessions", method: .get).status == .unauthorized)
        }
    }

    /// On loopback too: revoking the last key must not let its former holders (or anyone) back in, and a daemon
    /// started on a key file whose keys are all revoked is closed as well. Only a key file without keys is open.
    @Test func revokingTheLastKeyOnLoopbackKeepsTheAPIClosed() async throws {
        let keys = Captured()
        try await withTestApplication(configure: { configuration in
            keys["directory"] = configuration.dataDirectory
            let (key, secret) = try APIKeyStore(directory: configuration.dataDirectory).create(namespace: "a")
            keys["a"] = secret
            keys["id"] = key.id
        }) { client in
            #expect(try await client.execute(uri: "/api/sessions", method: .get, headers: Self.bearer(keys["a"])).status == .ok)
            try APIKeyStore(directory: keys["directory"]).revoke(id: keys["id"])
            #expect(
                try await client.execute(uri: "/api/sessions", method: .get, headers: Self.bearer(keys["a"])).status
                    == .unauthorized)
            #expect(try await client.execute(uri: "/api/sessions", method: .get).status == .unauthorized)
        }
        try await withTestApplication(configure: { configuration in
            let store = APIKeyStore(directory: configuration.dataDirectory)
            let (key, secret) = try store.create(namespace: "a")
            try store.revoke(id: key.id)
            keys["a"] = secret
        }) { client async throws in
            #expect(try await client.execute(uri: "/api/sessions", method: .get).status == .unauthorized)
            #expect(
                try await client.execute(uri: "/api/sessions", method: .get, headers: Self.bearer(keys["a"])).status
                    == .unauthorized)
        }
    }
}

/// Values a `configure` closure hands to the test body.
final class Captured: Sendable {
    private let values = Mutex<[String: String]>([:])

    subscript(name: String) -> String {
        get { values.withLock { $0[name] ?? "" } }
        set { values.withLock { $0[name] = newValue } }
    }
}
