import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Projections
import Sessions
import Synchronization
import Testing

@testable import SessionAPI

/// The cache of sessions' latest state and rendered answers: what it keeps, what the replay loop drops, and
/// that every face answers what the log holds after a write, at the status the clock gives.
struct SessionResponseCacheTests {
    /// Mixpeek's headers for the namespace Mix sessions are created in.
    static let auth: HTTPFields = [.authorization: "Bearer sk", HTTPField.Name("X-Namespace")!: "default"]

    static func snapshot(_ id: SessionID, version: UInt64 = 1) throws -> SessionSnapshot {
        let created = SessionCreated(sessionID: id, namespace: "default", origin: .mix)
        var snapshot = try #require(
            SessionSnapshot(SessionState().applying(.created(created), version: 1, recordedAt: Date())))
        snapshot.version = version
        return snapshot
    }

    @Test func aSnapshotReadBeforeTheReplayLoopDroppedItsSessionIsNotKept() throws {
        let cache = SessionResponseCache()
        let id = try #require(SessionID(rawValue: "raced"))
        let ticket = cache.ticket(for: id)
        cache.committed([id.rawValue: Self.change(2...2, items: nil)])
        cache.store(try Self.snapshot(id), ticket: ticket)
        #expect(cache.snapshot(id) == nil)

        cache.store(try Self.snapshot(id), ticket: cache.ticket(for: id))
        #expect(cache.snapshot(id)?.version == 1)
        cache.committed([id.rawValue: Self.change(2...2, items: nil)])
        #expect(cache.snapshot(id) == nil)
    }

    /// A committed change of `versions`, appending one item per version (`items: true`) or not only items.
    static func change(_ versions: ClosedRange<UInt64>, items: Bool?) -> SessionChange {
        SessionChange(
            firstVersion: versions.lowerBound, lastVersion: versions.upperBound,
            appendedItems: items == nil ? nil : versions.map(item))
    }

    static func item(_ version: UInt64) -> SessionItem {
        SessionItem(
            messageID: MessageID(rawValue: "m\(version)")!, role: .user, itemJSON: #"{"n":\#(version)}"#,
            addedAt: Date(timeIntervalSince1970: Double(version)), position: LogPosition(version * 10), version: version)
    }

    /// A commit that only appended messages to a session held at the version before it keeps what it appended:
    /// a reader at any version since learns what it lacks from the cache, while the snapshot itself is dropped.
    @Test func messageAppendsToAHeldSessionKeepTheItemsSinceItsVersion() throws {
        let cache = SessionResponseCache()
        let id = try #require(SessionID(rawValue: "tail"))
        cache.committed([id.rawValue: Self.change(1...1, items: true)])
        #expect(cache.itemsAppended(id, after: 0) == nil, "no tail without a held state to start from")

        cache.store(try Self.snapshot(id, version: 3), ticket: cache.ticket(for: id))
        cache.committed([id.rawValue: Self.change(4...5, items: true)])
        #expect(cache.snapshot(id) == nil)
        let five = try #require(cache.itemsAppended(id, after: 3))
        #expect(five.version == 5 && five.namespace == "default")
        #expect(five.items == [Self.item(4), Self.item(5)])
        #expect(cache.itemsAppended(id, after: 4)?.items == [Self.item(5)])
        #expect(cache.itemsAppended(id, after: 5)?.items == [])
        #expect(cache.itemsAppended(id, after: 2) == nil, "before the held version: unknown")
        #expect(cache.itemsAppended(id, after: 6) == nil, "ahead of the latest version")

        cache.committed([id.rawValue: Self.change(6...6, items: true)])
        #expect(cache.itemsAppended(id, after: 3)?.items == [4, 5, 6].map(Self.item))
        #expect(cache.itemsAppended(id, after: 3)?.version == 6)

        // A change that does not follow the tail (a commit it missed) or that did more than append drops it.
        cache.committed([id.rawValue: Self.change(8...8, items: true)])
        #expect(cache.itemsAppended(id, after: 6) == nil)
        cache.store(try Self.snapshot(id, version: 8), ticket: cache.ticket(for: id))
        cache.committed([id.rawValue: Self.change(9...9, items: true)])
        #expect(cache.itemsAppended(id, after: 8)?.items == [Self.item(9)])
        cache.committed([id.rawValue: Self.change(10...10, items: nil)])
        #expect(cache.itemsAppended(id, after: 9) == nil)
        #expect(cache.itemsAppended(id, after: 10) == nil)
    }

    /// A tail keeps at most ``ItemsTail/maximumItems`` items: the oldest go, and a reader behind them reads the
    /// database.
    @Test func aLongTailDropsItsOldestItems() throws {
        let cache = SessionResponseCache()
        let id = try #require(SessionID(rawValue: "long"))
        cache.store(try Self.snapshot(id, version: 1), ticket: cache.ticket(for: id))
        let last = UInt64(ItemsTail.maximumItems + 100)
        for version in 2...last { cache.committed([id.rawValue: Self.change(version...version, items: true)]) }
        let kept = try #require(cache.itemsAppended(id, after: last - UInt64(ItemsTail.maximumItems)))
        #expect(kept.items.count == ItemsTail.maximumItems)
        #expect(kept.items.last == Self.item(last))
        #expect(cache.itemsAppended(id, after: last - UInt64(ItemsTail.maximumItems) - 1) == nil)
    }

    /// The default cache keeps a full tail for each of many sessions at once, although its budget is split into
    /// shards (eight full tails fit in each): a reader one append behind answers from memory for every session, not
    /// only for the last one written in its shard. (Sessions fall into shards by their hash, which differs from run
    /// to run: sixteen sessions put nine into one of sixteen shards about once in a million runs.)
    @Test func fullTailsOfManySessionsAreAllKept() throws {
        let cache = SessionResponseCache()
        let big = String(repeating: "x", count: 2048)
        let perTail = ItemsTail.maximumBytes / (big.utf8.count + 256)
        let ids = try (0..<16).map { try #require(SessionID(rawValue: "agent\($0)")) }
        for id in ids { cache.store(try Self.snapshot(id, version: 1), ticket: cache.ticket(for: id)) }
        for version in UInt64(2)...UInt64(perTail + 1) {
            for id in ids {
                var item = Self.item(version)
                item.itemJSON = #"{"text":"\#(big)"}"#
                cache.committed([id.rawValue: SessionChange(firstVersion: version, lastVersion: version, appendedItems: [item])])
            }
        }
        for id in ids {
            #expect(cache.itemsAppended(id, after: UInt64(perTail))?.items.count == 1, "\(id.rawValue)'s tail was evicted")
        }
    }

    @Test func anAnswerIsKeptPerFaceAndStatusForTheCachedVersionOnly() throws {
        let cache = SessionResponseCache()
        let id = try #require(SessionID(rawValue: "s"))
        let latest = try Self.snapshot(id, version: 3)
        cache.store(latest, ticket: cache.ticket(for: id))
        cache.store(body: ByteBuffer(string: "active"), of: latest, face: .mixpeek, status: .active)
        cache.store(body: ByteBuffer(string: "older"), of: try Self.snapshot(id, version: 2), face: .mix, status: .active)

        #expect(cache.body(of: latest, face: .mixpeek, status: .active) == ByteBuffer(string: "active"))
        #expect(cache.body(of: latest, face: .mixpeek, status: .idle) == nil)
        #expect(cache.body(of: latest, face: .native, status: .active) == nil)
        #expect(cache.body(of: latest, face: .mix, status: .active) == nil, "an answer for another version is not kept")
        #expect(cache.body(of: try Self.snapshot(id, version: 2), face: .mixpeek, status: .active) == nil)
    }

    /// A cached GET's one lookup: the answer for the status the clock gives now, only for a state the reader
    /// accepts, with the version and namespace the reader checks.
    @Test func anAnswerLookupTakesTheStatusAndTheReadersCondition() throws {
        let cache = SessionResponseCache()
        let id = try #require(SessionID(rawValue: "s"))
        #expect(cache.answer(id, face: .native, status: { _ in .active }) == nil, "nothing held")
        let latest = try Self.snapshot(id, version: 3)
        cache.store(latest, ticket: cache.ticket(for: id))
        #expect(cache.answer(id, face: .native, status: { _ in .active }) == nil, "no answer rendered yet")
        cache.store(body: ByteBuffer(string: "native idle"), of: latest, face: .native, status: .idle)

        let idle = try #require(cache.answer(id, face: .native, status: { $0.version == 3 ? .idle : .active }))
        #expect(idle.body == ByteBuffer(string: "native idle"))
        #expect(idle.version == 3 && idle.namespace == "default")
        #expect(cache.answer(id, face: .native, status: { _ in .active }) == nil, "another status")
        #expect(cache.answer(id, face: .mix, status: { _ in .idle }) == nil, "another face")
        #expect(cache.answer(id, face: .native, status: { _ in .idle }, accepts: { $0.appName != nil }) == nil)
        cache.committed([id.rawValue: Self.change(4...4, items: nil)])
        #expect(cache.answer(id, face: .native, status: { _ in .idle }) == nil, "dropped by the replay loop")
    }

    @Test func theCacheStaysWithinItsByteLimit() throws {
        let cache = SessionResponseCache(capacity: 1000, byteLimit: 10 * 1024, shards: 1)
        for i in 0..<100 {
            let id = try #require(SessionID(rawValue: "s\(i)"))
            cache.store(try Self.snapshot(id), ticket: cache.ticket(for: id))
        }
        // A small snapshot is estimated at a little over 1 KiB: about nine fit, never all hundred.
        #expect((5...10).contains(cache.count))
    }

    @Test func shardsShareTheBoundsAndEachDropsOnlyItsOwnSessions() throws {
        let cache = SessionResponseCache(capacity: 1000, byteLimit: 16 * 10 * 1024, shards: 16)
        var ids: [SessionID] = []
        for i in 0..<2000 {
            let id = try #require(SessionID(rawValue: "s\(i)"))
            ids.append(id)
            cache.store(try Self.snapshot(id), ticket: cache.ticket(for: id))
        }
        // Each shard keeps about nine small snapshots in its 10 KiB: never all 2,000, nor one shard's worth.
        #expect((16 * 5...16 * 10).contains(cache.count))
        // A session dropped by the replay loop is gone, and a ticket taken before the drop cannot store it.
        let held = try #require(ids.last)
        #expect(cache.snapshot(held) != nil)
        let ticket = cache.ticket(for: held)
        cache.committed([held.rawValue: Self.change(2...2, items: nil)])
        #expect(cache.snapshot(held) == nil)
        cache.store(try Self.snapshot(held), ticket: ticket)
        #expect(cache.snapshot(held) == nil)
        cache.store(try Self.snapshot(held), ticket: cache.ticket(for: held))
        #expect(cache.snapshot(held) != nil)
    }

    @Test func aLargeStateCountsAgainstTheByteLimit() throws {
        let cache = SessionResponseCache(capacity: 1000, byteLimit: 1 << 20, shards: 1)
        for i in 0..<20 {
            let id = try #require(SessionID(rawValue: "big\(i)"))
            var snapshot = try Self.snapshot(id)
            snapshot.state = ["blob": .string(String(repeating: "x", count: 200_000))]
            cache.store(snapshot, ticket: cache.ticket(for: id))
        }
        #expect(cache.count <= 5, "twenty 200 KB states in a 1 MiB cache")
        #expect(cache.count >= 4)
    }

    /// Each face read twice (the second from the cache, byte for byte the first), then after an append on
    /// the same connection: the answer is the new state.
    @Test func everyFaceAnswersTheNewStateAfterAnAppend() async throws {
        try await withTestApplication { client in
            let created = try await client.execute(
                uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
            let id = try #require(created.json["id"] as? String)
            let paths = ["/v1/sessions/\(id)", "/v1/agents/sessions/\(id)", "/api/sessions/\(id)"]
            var before: [String: ByteBuffer] = [:]
            for path in paths {
                let first = try await client.execute(uri: path, method: .get, headers: Self.auth)
                let second = try await client.execute(uri: path, method: .get, headers: Self.auth)
                #expect(first.status == .ok)
                #expect(first.body == second.body, "\(path) answers the same bytes from the cache")
                #expect(first.headers[.eTag] == second.headers[.eTag])
                before[path] = first.body
            }
            let appended = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post,
                body: jsonBody(#"{"type":"message","role":"assistant","text":"ok","inputTokens":7}"#))
            #expect(appended.status == .created)

            let native = try await client.execute(uri: paths[0], method: .get)
            #expect(native.headers[.eTag] == appended.headers[.eTag])
            #expect(native.json["assistantMessageCount"] as? Int == 1)
            #expect(native.json["promptTokens"] as? Int == 7)
            let mixpeek = try await client.execute(uri: paths[1], method: .get, headers: Self.auth)
            #expect(mixpeek.body != before[paths[1]])
            let mix = try await client.execute(uri: paths[2], method: .get)
            #expect(mix.json["assistantMessageCount"] as? Int == 1)
        }
    }

    /// The status derives from the clock at every read, so a cached session turns idle when its idle timeout
    /// passes without a write; an as-of read's is the session's at the point, not at the clock, so a point where it
    /// was active still reads active.
    @Test func theStatusFollowsTheClockWhileTheSessionIsCached() async throws {
        let now = Mutex(Date())
        try await withTestApplication(configure: { configuration in
            configuration.idleTimeout = 60
            configuration.clock = { now.withLock { $0 } }
        }) { client in
            let created = try await client.execute(
                uri: "/v1/agents/sessions", method: .post, headers: Self.auth,
                body: jsonBody(#"{"agent_config":{}}"#))
            let id = try #require(created.json["session_id"] as? String)
            for path in ["/v1/agents/sessions/\(id)", "/v1/sessions/\(id)"] {
                #expect(try await client.execute(uri: path, method: .get, headers: Self.auth).json["status"] as? String == "active")
            }
            let start = now.withLock { $0 }
            now.withLock { $0 += 120 }
            for path in ["/v1/agents/sessions/\(id)", "/v1/sessions/\(id)"] {
                #expect(try await client.execute(uri: path, method: .get, headers: Self.auth).json["status"] as? String == "idle", "\(path)")
            }
            let seconds = Int(start.timeIntervalSince1970) + 30
            for path in ["/v1/sessions/\(id)?version=1", "/v1/sessions/\(id)?at=\(seconds)"] {
                #expect(try await client.execute(uri: path, method: .get, headers: Self.auth).json["status"] as? String == "active", "\(path)")
            }
        }
    }

    /// An as-of read answers the past even while the latest state is cached.
    @Test func asOfReadsBypassTheCache() async throws {
        try await withTestApplication { client in
            let created = try await client.execute(
                uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
            let id = try #require(created.json["id"] as? String)
            _ = try await client.execute(
                uri: "/v1/sessions/\(id)/events", method: .post,
                body: jsonBody(#"{"type":"message","role":"assistant","text":"ok"}"#))
            let latest = try await client.execute(uri: "/v1/sessions/\(id)", method: .get)
            _ = try await client.execute(uri: "/v1/sessions/\(id)", method: .get)
            let past = try await client.execute(uri: "/v1/sessions/\(id)?version=1", method: .get)
            #expect(latest.json["version"] as? Int == 2)
            #expect(past.json["version"] as? Int == 1)
            #expect(past.json["assistantMessageCount"] as? Int == 0)
        }
    }
}
