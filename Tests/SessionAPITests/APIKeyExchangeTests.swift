import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogStores
import Synchronization
import TestSupport
import Testing

@testable import SessionAPI

/// API keys beside a shared log (decision 0168): the merge nodes exchange their key files by, and two nodes on one
/// PostgreSQL database seeing each other's keys and revocations.
@Suite(.serialized)
struct APIKeyExchangeTests {
    static func key(_ id: String, created: TimeInterval, revoked: TimeInterval? = nil) -> APIKey {
        APIKey(
            id: id, namespace: "ns-\(id)", sha256: String((id + String(repeating: "0", count: 64)).prefix(64)),
            createdAt: Date(timeIntervalSince1970: created), revokedAt: revoked.map { Date(timeIntervalSince1970: $0) })
    }

    @Test func mergingKeepsEveryKeyAndEveryRevocationInAnyOrder() {
        let a = Self.key("a", created: 1), b = Self.key("b", created: 2), c = Self.key("c", created: 3)
        let left = [a, Self.key("b", created: 2, revoked: 20), c]
        let right = [Self.key("b", created: 2, revoked: 10), Self.key("c", created: 3, revoked: 30), Self.key("d", created: 0)]
        let merged = APIKey.merged(left, right)
        #expect(merged.map(\.id) == ["d", "a", "b", "c"])
        #expect(merged.map { $0.revokedAt?.timeIntervalSince1970 } == [nil, nil, 10, 30])
        #expect(APIKey.merged(right, left) == merged)
        #expect(APIKey.merged(merged, left) == merged && APIKey.merged(merged, merged) == merged)
        #expect(APIKey.merged([b], []) == [b])
    }

    @Test func conflictingEntriesOfOneIDAreRevokedAndARevokedDigestIsRevokedUnderEveryID() {
        var planted = Self.key("a", created: 1)
        planted.namespace = "elsewhere"
        let merged = APIKey.merged([Self.key("a", created: 1)], [planted])
        #expect(merged.count == 1 && merged[0].revokedAt != nil)
        #expect(APIKey.merged([planted], [Self.key("a", created: 1)]) == merged)

        // Two ids for one secret: revoking either revokes the secret.
        let victim = Self.key("victim", created: 5, revoked: 50)
        var twin = Self.key("twin", created: 0)
        twin.sha256 = victim.sha256
        let both = APIKey.merged([victim], [twin])
        #expect(both.map(\.id) == ["twin", "victim"])
        #expect(both.allSatisfy { $0.revokedAt == Date(timeIntervalSince1970: 50) })
    }

    @Test func aKeyFileOfALaterFormatIsRefusedNotRewritten() async throws {
        try await withTemporaryDirectory { directory in
            let store = APIKeyStore(directory: directory)
            try #"{"version":2,"keys":[]}"#.write(toFile: store.path, atomically: true, encoding: .utf8)
            #expect(throws: APIKeyStoreError.self) { try store.keys() }
            #expect(throws: APIKeyStoreError.self) { try store.merge([Self.key("a", created: 1)]) }
            #expect(try String(contentsOfFile: store.path, encoding: .utf8) == #"{"version":2,"keys":[]}"#)
        }
    }

    @Test func aKeyFileThatHoldsTheMergedKeysIsNotRewritten() async throws {
        try await withTemporaryDirectory { directory in
            let store = APIKeyStore(directory: directory)
            let (created, _) = try store.create(namespace: "team-a")
            let inode = try FileManager.default.attributesOfItem(atPath: store.path)[.systemFileNumber] as? Int
            // As another node's copy reads: decoded from the same bytes.
            let stored = try store.keys()
            #expect(stored.map(\.id) == [created.id])
            let merged = try store.merge(stored)
            #expect(merged == stored)
            #expect(try FileManager.default.attributesOfItem(atPath: store.path)[.systemFileNumber] as? Int == inode)
            let other = Self.key("key_other", created: 1)
            #expect(try store.merge([other]).map(\.id) == ["key_other", created.id])
            #expect(try FileManager.default.attributesOfItem(atPath: store.path)[.systemFileNumber] as? Int != inode)
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"))
    func aKeyCreatedOnOneNodeCountsOnAnotherAndSoDoesItsRevocation() async throws {
        try await TestPostgres.withDatabase { url in
            let firstDirectory = Mutex("")
            let created = Mutex<(key: APIKey, secret: String)?>(nil)
            try await withTestApplication(configure: { configuration in
                configuration.logLocation = .postgres(url: url)
                firstDirectory.withLock { $0 = configuration.dataDirectory }
                let made = try APIKeyStore(directory: configuration.dataDirectory).create(namespace: "team-a")
                created.withLock { $0 = made }
            }) { first in
                // The second node's data directory holds no key: it gets the first's before it serves.
                try await withTestApplication(configure: { $0.logLocation = .postgres(url: url) }) { second in
                    let (key, secret) = try #require(created.withLock { $0 })
                    #expect(try await second.execute(uri: "/api/sessions", method: .get).status == .unauthorized)
                    let listed = try await second.execute(uri: "/api/sessions", method: .get, headers: APIKeyTests.bearer(secret))
                    #expect(listed.status == .ok)

                    // Revoked with `sessiond keys revoke` on the first node's data directory: the second refuses it
                    // after the next exchanges (every second).
                    try APIKeyStore(directory: firstDirectory.withLock { $0 }).revoke(id: key.id)
                    let deadline = ContinuousClock.now + .seconds(10)
                    var status = HTTPResponse.Status.ok
                    while status != .unauthorized, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(100))
                        status = try await second.execute(uri: "/api/sessions", method: .get, headers: APIKeyTests.bearer(secret)).status
                    }
                    #expect(status == .unauthorized)
                    #expect(try await first.execute(uri: "/api/sessions", method: .get, headers: APIKeyTests.bearer(secret)).status == .unauthorized)
                }
            }
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"))
    func anUnreadableSharedCopyIsAKeyFileErrorNotAnOutage() async throws {
        try await TestPostgres.withDatabase { url in
            try await withTemporaryDirectory { directory in
                let log = try await LogLocation.postgres(url: url).open()
                let store = APIKeyStore(directory: directory)
                let (key, _) = try store.create(namespace: "team-a")
                let exchange = try #require(APIKeyExchange(beside: log, store: store))
                try await exchange.exchange()
                #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.shared_document") == "1")
                try TestPostgres.psql(url, "UPDATE sessiond.shared_document SET bytes = 'not json'::bytea")
                try store.revoke(id: key.id)
                await #expect(throws: APIKeyStoreError.self) { try await exchange.exchange() }
                // Discarded, the copy is written again from the nodes' files.
                try TestPostgres.psql(url, "DELETE FROM sessiond.shared_document")
                try await exchange.exchange()
                #expect(try TestPostgres.psql(url, "SELECT convert_from(bytes, 'UTF8') LIKE '%revokedAt%' FROM sessiond.shared_document") == "t")
                await log.close()
            }
        }
    }
}
