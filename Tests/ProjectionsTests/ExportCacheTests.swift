import Foundation
@testable import Projections
import Sessions
import Testing

/// The store keeps a session's latest export (decision 0153): a load of an unchanged session answers the kept
/// bytes, any change to the session answers the new export, and what is kept stays within its bounds.
@Suite struct ExportCacheTests {
    static let create = SessionCommand.create(
        CreateSession(sessionID: "e", namespace: "default", title: "t", browserMode: "local-browser-service"))

    static func send(_ text: String) -> SessionCommand {
        .sendUserMessage(SendUserMessage(sessionID: "e", text: text))
    }

    /// The export rendered without the cache, as the first load after a change renders it.
    static func rendered(_ store: ProjectionStore) async throws -> [UInt8]? {
        try await store.exportJSON("e", at: .latest, rendering: .standard)
    }

    @Test func anUnchangedSessionAnswersTheKeptExportAndAChangeAnswersTheNewOne() async throws {
        try await ProjectionHarness.with { harness in
            let store = harness.store
            _ = try await harness.writer.execute(Self.create)
            _ = try await harness.writer.execute(Self.send("first"))
            #expect(store.exports.usage.bytes == 0)
            let first = try #require(try await store.exportJSON("e"))
            #expect(first == (try await Self.rendered(store)))
            #expect(store.exports.usage.bytes == first.count, "kept after the first load")
            #expect(try await store.exportJSON("e") == first)
            let version = try #require(try await store.session("e")).version
            #expect(store.keptExportJSON("e", version: version) == first)
            #expect(store.keptExportJSON("e", version: version - 1) == nil)

            // Each kind of change: a message, a rename (the head), a state update (only the version moves).
            for change in [
                Self.send("second"), .rename(RenameSession(sessionID: "e", title: "renamed")),
                .updateState(UpdateState(sessionID: "e", delta: ["k": .number(1)])),
            ] {
                let before = try #require(try await store.exportJSON("e"))
                _ = try await harness.writer.execute(change)
                #expect(store.exports.usage.bytes == 0, "dropped when the change applied")
                #expect(store.keptExportJSON("e", version: try #require(try await store.session("e")).version) == nil)
                let after = try #require(try await store.exportJSON("e"))
                #expect(after != before)
                #expect(after == (try await Self.rendered(store)))
            }
            // An as-of export is neither served from nor kept in the cache.
            let latest = try #require(try await store.exportJSON("e"))
            let early = try #require(try await store.exportJSON("e", at: .version(2)))
            #expect(early != latest && String(decoding: early, as: UTF8.self).contains("first"))
            #expect(store.exports.usage.bytes == latest.count)
            // Compaction's scrub leaves no kept export behind (a deleted session's text must not outlive it).
            _ = try await store.scrub()
            #expect(store.exports.usage.bytes == 0)
        }
    }

    @Test func aRebuiltDatabaseSwappedInTakesNoExportOfTheOldOne() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create)
            _ = try await harness.writer.execute(Self.send("first"))
            let kept = try #require(try await harness.store.exportJSON("e"))
            let version = try #require(try await harness.store.session("e")).version
            #expect(harness.store.keptExportJSON("e", version: version) == kept)
            _ = try await harness.store.rebuild(from: harness.log)
            #expect(harness.store.keptExportJSON("e", version: version) == nil)
            #expect(harness.store.exports.usage.bytes == 0)
            #expect(try await harness.store.exportJSON("e") == kept, "rendered again from the new file")
        }
    }

    @Test func aDeletedSessionIsNotAnsweredAndItsExportIsDropped() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create)
            _ = try await harness.writer.execute(Self.send("secret"))
            #expect(try await harness.store.exportJSON("e") != nil)
            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: "e")))
            #expect(try await harness.store.exportJSON("e") == nil)
            #expect(harness.store.exports.usage.bytes == 0)
        }
    }

    /// A reader's race with a change or an erasure, in the order `exportJSON` runs: ticket, read, and the keep
    /// only after the store dropped the session (a batch applied) or every export (an erasure's scrub, a swap).
    @Test func aReaderThatReadBeforeADropOrAnErasureKeepsNothing() async throws {
        try await ProjectionHarness.with { harness in
            let store = harness.store
            _ = try await harness.writer.execute(Self.create)
            _ = try await harness.writer.execute(Self.send("secret"))
            let row = try #require(try await store.session("e"))

            // Read before the tombstone applied, kept after: the deleted session's text would stay in memory.
            var ticket = store.exports.ticket(for: "e")
            var json = try #require(try await Self.rendered(store))
            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: "e")))
            store.exports.keep(json, of: "e", at: 3, version: Int64(row.version), ticket: ticket)
            #expect(store.exports.usage.bytes == 0, "a keep after the session's batch applied")
            #expect(try await store.exportJSON("e") == nil)

            // Read before an erasure emptied the cache, kept after it.
            _ = try await harness.writer.execute(
                .create(
                    CreateSession(
                        sessionID: "f", namespace: "default", title: "t", browserMode: "local-browser-service")))
            ticket = store.exports.ticket(for: "f")
            json = try #require(try await store.exportJSON("f", at: .latest, rendering: .standard))
            _ = try await store.scrub()
            store.exports.keep(json, of: "f", at: 5, version: 1, ticket: ticket)
            #expect(store.exports.usage.bytes == 0, "a keep after the scrub emptied the cache")

            // Read from the old database, kept after a rebuilt one was swapped in.
            ticket = store.exports.ticket(for: "f")
            _ = try await store.rebuild(from: harness.log)
            store.exports.keep(json, of: "f", at: 5, version: 1, ticket: ticket)
            #expect(store.exports.usage.bytes == 0, "a keep after the swap emptied the cache")

            // An ordinary load still keeps.
            let kept = try #require(try await store.exportJSON("f"))
            #expect(store.exports.usage.bytes == kept.count)
        }
    }

    @Test func aKeepWithATicketOlderThanADropOrARemovalIsRefused() {
        let cache = ExportCache(byteLimit: 400)
        let json = [UInt8](repeating: 1, count: 10)
        // A drop refuses older tickets even when it finds nothing to remove (the reader has not kept yet).
        var ticket = cache.ticket(for: "a")
        cache.drop(["a"])
        cache.keep(json, of: "a", at: 1, version: 1, ticket: ticket)
        #expect(cache.json(of: "a", at: 1) == nil)
        ticket = cache.ticket(for: "a")
        cache.removeAll()
        cache.keep(json, of: "a", at: 1, version: 1, ticket: ticket)
        #expect(cache.json(of: "a", at: 1) == nil)
        // A ticket taken after them keeps; so does one whose stripe only another session's drop touched.
        ticket = cache.ticket(for: "a")
        let stripe = { DropGenerations.stripe(of: $0, among: ExportCache.stripes) }
        let other = (0...).lazy.map { "s\($0)" }.first { stripe($0) != stripe("a") }!
        cache.drop([other, other])
        cache.keep(json, of: "a", at: 1, version: 1, ticket: ticket)
        #expect(cache.json(of: "a", at: 1) == json)
    }

    @Test func staysWithinItsBytesAndNeverTakesBackAnOlderExport() {
        let cache = ExportCache(byteLimit: 400)
        cache.keep([UInt8](repeating: 1, count: 100), of: "a", at: 5, version: 3, ticket: cache.ticket(for: "a"))
        cache.keep([UInt8](repeating: 2, count: 101), of: "big", at: 1, version: 1, ticket: cache.ticket(for: "big"))
        #expect(cache.json(of: "big", at: 1) == nil, "above a quarter of the bound: not kept")
        #expect(cache.json(of: "a", at: 5)?.count == 100)
        #expect(cache.json(of: "a", at: 4) == nil, "only for the position it was rendered at")
        #expect(cache.json(of: "a", version: 3)?.count == 100 && cache.json(of: "a", version: 2) == nil)
        // A reader that rendered before a newer export was kept does not replace it.
        cache.keep([UInt8](repeating: 3, count: 50), of: "a", at: 4, version: 2, ticket: cache.ticket(for: "a"))
        #expect(cache.json(of: "a", at: 5)?.first == 1)
        for (index, session) in ["b", "c", "d", "e"].enumerated() {
            cache.keep(
                [UInt8](repeating: 4, count: 100), of: session, at: Int64(index), version: 1,
                ticket: cache.ticket(for: session))
        }
        #expect(cache.usage.bytes <= 400)
        #expect(cache.json(of: "a", at: 5) == nil, "the least recently used went first")
        cache.drop(["e"])
        #expect(cache.json(of: "e", at: 3) == nil)
        cache.removeAll()
        #expect(cache.usage.bytes == 0)

        let none = ExportCache(byteLimit: 0)
        none.keep([1, 2, 3], of: "a", at: 1, version: 1, ticket: none.ticket(for: "a"))
        #expect(none.json(of: "a", at: 1) == nil && none.usage.bytes == 0)
    }
}
