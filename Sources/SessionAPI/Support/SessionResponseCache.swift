import NIOCore
import Projections
import Sessions
import Synchronization

/// The latest state of recently read sessions and their rendered JSON answers, so that a GET of a session's
/// latest state reads no database and encodes nothing while the session is unchanged.
///
/// The replay loop drops a session here (``committed(_:)``) after committing its events and before a writer
/// waiting for them answers, so a read after an acknowledged write never sees the state before it. When those
/// events only appended messages, the session's framework items since the state it held are kept instead
/// (``ItemsTail``), so a reader that held them before the write learns what it lacks without reading the database
/// (``itemsAppended(_:after:)``, decision 0139). A reader
/// that missed takes a ``Ticket`` before it reads the database and offers the snapshot back with it: if the
/// replay loop dropped that session (or one sharing its stripe) in between, the snapshot may predate the
/// commit and is not kept. Answers are kept per API face and per status, since the status derives from the
/// reader's clock (idle after the idle timeout, archived at `expires_at`) and is computed on every read.
/// Bounded by entries and by an estimate of their bytes, least recently used first out within each of its
/// shards (independently locked parts).
final class SessionResponseCache: Sendable {
    /// Which API face rendered an answer.
    enum Face: Hashable, Sendable {
        case native, mixpeek, mix
    }

    /// What a reader saw of the invalidations of a session's stripe before reading the database.
    typealias Ticket = DropGenerations.Ticket

    private struct BodyKey: Hashable {
        var face: Face
        var status: SessionStatus
    }

    /// A reference, so that a lookup under the lock copies one pointer, not the snapshot's fields and the answers
    /// (the copies were most of the time the lock was held, and the two event loops contend for it on every GET).
    /// `bodies` is read and written only under the cache's lock; `snapshot` never changes.
    private final class Entry: @unchecked Sendable {
        let snapshot: SessionSnapshot
        /// The snapshot's estimated size, measured once when it is stored.
        let snapshotBytes: Int
        var bodies: [BodyKey: ByteBuffer] = [:]

        init(snapshot: SessionSnapshot) {
            self.snapshot = snapshot
            self.snapshotBytes = Self.estimatedBytes(of: snapshot)
        }

        /// A rough size: the snapshot's plus each rendered answer's.
        var bytes: Int { snapshotBytes + bodies.values.reduce(0) { $0 + $1.readableBytes } }

        /// A fixed allowance for the snapshot's small fields, plus the fields that can be large: texts, the JSON
        /// objects (state, user memory, metadata: any size a client sent), callbacks and files.
        private static func estimatedBytes(of snapshot: SessionSnapshot) -> Int {
            let texts = [snapshot.title, snapshot.customSystemPrompt, snapshot.firstUserMessage, snapshot.cdpURL]
                .reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            let objects = [snapshot.state, snapshot.userMemory ?? [:], snapshot.metadata ?? [:]]
                .reduce(0) { $0 + estimatedBytes(of: .object($1)) }
            return 1024 + texts + objects + 256 * (snapshot.callbacks.count + snapshot.files.count)
        }

        private static func estimatedBytes(of value: JSONValue) -> Int {
            switch value {
            case .null, .bool, .number: 16
            case .string(let text): 16 + text.utf8.count
            case .array(let values): values.reduce(16) { $0 + estimatedBytes(of: $1) }
            case .object(let members): members.reduce(16) { $0 + 16 + $1.key.utf8.count + estimatedBytes(of: $1.value) }
            }
        }
    }

    private struct State {
        var entries: LeastRecentlyUsedCache<String, Entry>
        /// Only ever changed by the replay loop's hook, so always at the session's latest committed version.
        var tails: LeastRecentlyUsedCache<String, ItemsTail>
        /// Bumped for every session of the stripe the replay loop drops; a ticket of an older generation
        /// cannot store. A shard uses only its own stripes' counters.
        var generations = DropGenerations(stripes: SessionResponseCache.stripes)
    }

    /// A part of the cache under its own lock. Both event loops look sessions up on every GET (twice); with one
    /// lock they contended for it, and a loop preempted while holding it put the other to sleep in the kernel.
    private final class Shard: Sendable {
        let state: Mutex<State>

        init(capacity: Int, byteLimit: Int) {
            state = Mutex(
                State(
                    entries: LeastRecentlyUsedCache(capacity: capacity, byteLimit: byteLimit),
                    tails: LeastRecentlyUsedCache(
                        capacity: capacity, byteLimit: max(byteLimit / 4, 8 * ItemsTail.maximumBytes))))
        }
    }

    private static let stripes = 256
    private let shards: [Shard]

    /// Creates an empty cache of at most `capacity` sessions and about `byteLimit` bytes, split into `shards`
    /// parts (each a session's by its stripe, each with its share of both bounds and least recently used first
    /// out within itself).
    init(capacity: Int = 100_000, byteLimit: Int = 64 << 20, shards: Int = 16) {
        let count = max(1, min(shards, Self.stripes))
        self.shards = (0..<count).map { _ in
            Shard(capacity: max(1, capacity / count), byteLimit: byteLimit / count)
        }
    }

    /// How many sessions are held (for tests).
    var count: Int { shards.reduce(0) { total, shard in total + shard.state.withLock { $0.entries.count } } }

    /// The sessions' answers and the framework items tails held, over every shard.
    var usage: CacheUsage {
        shards.reduce(CacheUsage()) { total, shard in
            total + shard.state.withLock { $0.entries.usage + $0.tails.usage }
        }
    }

    /// The cached latest state of `id`, if held.
    func snapshot(_ id: SessionID) -> SessionSnapshot? {
        shard(of: Self.stripe(of: id.rawValue)).state.withLock { $0.entries.value(for: id.rawValue) }?.snapshot
    }

    /// Take before reading `id` from the database; pass to ``store(_:ticket:)``.
    func ticket(for id: SessionID) -> Ticket {
        let stripe = Self.stripe(of: id.rawValue)
        return shard(of: stripe).state.withLock { $0.generations.ticket(stripe: stripe) }
    }

    /// Keeps `snapshot`, read from the database after `ticket` was taken, unless the replay loop dropped its
    /// stripe since.
    func store(_ snapshot: SessionSnapshot, ticket: Ticket) {
        shard(of: ticket.stripe).state.withLock { state in
            guard state.generations.admits(ticket) else { return }
            let entry = Entry(snapshot: snapshot)
            state.entries.insert(entry, bytes: entry.bytes, for: snapshot.id.rawValue)
        }
    }

    /// What a cached GET sends: the answer `face` rendered for the held latest state of a session, and the facts
    /// the reader checks before sending it.
    struct CachedAnswer {
        let version: UInt64
        let namespace: String
        let body: ByteBuffer
    }

    /// The answer `face` rendered for the held latest state of `id` at the status `status` computes for it, if
    /// held and `accepts` that state: one lookup under one lock, and no copy of the snapshot (a cached GET used to
    /// look the session up, copy its snapshot out, then look it up again for the answer).
    func answer(
        _ id: SessionID, face: Face, status: (SessionSnapshot) -> SessionStatus,
        accepts: (SessionSnapshot) -> Bool = { _ in true }
    ) -> CachedAnswer? {
        shard(of: Self.stripe(of: id.rawValue)).state.withLock { state in
            guard let entry = state.entries.value(for: id.rawValue), accepts(entry.snapshot),
                let body = entry.bodies[BodyKey(face: face, status: status(entry.snapshot))]
            else { return nil }
            return CachedAnswer(version: entry.snapshot.version, namespace: entry.snapshot.namespace, body: body)
        }
    }

    /// The answer `face` rendered for `session` at `status`, if held for that version of the session.
    func body(of session: SessionSnapshot, face: Face, status: SessionStatus) -> ByteBuffer? {
        shard(of: Self.stripe(of: session.id.rawValue)).state.withLock { state in
            guard let entry = state.entries.value(for: session.id.rawValue), entry.snapshot.version == session.version
            else { return nil }
            return entry.bodies[BodyKey(face: face, status: status)]
        }
    }

    /// Keeps an answer rendered for `session` while the cache holds that version of it.
    func store(body: ByteBuffer, of session: SessionSnapshot, face: Face, status: SessionStatus) {
        shard(of: Self.stripe(of: session.id.rawValue)).state.withLock { state in
            guard let entry = state.entries.value(for: session.id.rawValue), entry.snapshot.version == session.version
            else { return }
            entry.bodies[BodyKey(face: face, status: status)] = body
            // Inserted again so the cache counts the answer's bytes.
            state.entries.insert(entry, bytes: entry.bytes, for: session.id.rawValue)
        }
    }

    /// The latest version of `id`, its namespace and the items appended after `after`, when a tail holds them
    /// all; `nil` otherwise (the caller reads the database).
    func itemsAppended(_ id: SessionID, after: UInt64) -> (version: UInt64, namespace: String, items: [SessionItem])? {
        shard(of: Self.stripe(of: id.rawValue)).state.withLock { state in
            guard let tail = state.tails.value(for: id.rawValue), let items = tail.appended(after: after) else {
                return nil
            }
            return (tail.version, tail.namespace, items)
        }
    }

    /// Drops the sessions a committed batch touched (`changes`, ``CommittedBatch/changes()``), keeping or extending
    /// the items tail of those it only appended messages to (the replay loop's hook, after each commit).
    func committed(_ changes: [String: SessionChange]) {
        for (stream, change) in changes {
            let stripe = Self.stripe(of: stream)
            shard(of: stripe).state.withLock { state in
                let held = state.entries.value(for: stream)?.snapshot
                var tail = state.tails.value(for: stream)
                // Out of the cache while it changes, so its items grow in place rather than being copied.
                state.tails.remove(stream)
                if tail?.extend(by: change) != true {
                    tail = held.flatMap { ItemsTail(namespace: $0.namespace, at: $0.version, extendedBy: change) }
                }
                if let tail { state.tails.insert(tail, bytes: tail.footprint, for: stream) }
                state.entries.remove(stream)
                state.generations.drop(stripe: stripe)
            }
        }
    }

    private func shard(of stripe: Int) -> Shard {
        shards[stripe % shards.count]
    }

    private static func stripe(of stream: String) -> Int {
        DropGenerations.stripe(of: stream, among: stripes)
    }
}
