import Synchronization

/// The latest JSON export of recently exported sessions, so that loading an unchanged transcript again copies
/// nothing and reads nothing but the session's row (decision 0153).
///
/// An entry is the export as of the session's last position, and is served only for that position: an export
/// is a function of the session and the position alone, so a stale entry can never be served, only fail to
/// match. The store drops a session's entry when it applies a batch touching it (``drop(_:)``), so that an
/// entry a later event made stale does not hold memory, and every entry when it erases (``removeAll()``). A reader
/// takes a ``Ticket`` before it reads the projection and keeps what it rendered with it: a keep whose ticket
/// predates a drop of the session's stripe, or a removal of everything, is refused, so a reader that read before a
/// permanent deletion cannot put the deleted session's text back (decision 0157). Bounded in bytes (the exports'
/// sizes), least recently used first out; an export larger than a quarter of the bound is not kept, so one long
/// transcript cannot empty the cache of every other.
final class ExportCache: Sendable {
    typealias Ticket = DropGenerations.Ticket

    private struct Entry: Sendable {
        var position: Int64
        /// The session's version at `position` (its last event's), for callers that know only the version.
        var version: Int64
        var json: [UInt8]
    }

    private struct State {
        var entries: LeastRecentlyUsedCache<String, Entry>
        var generations = DropGenerations(stripes: ExportCache.stripes)
    }

    /// A reader's keep is refused when another session of its stripe changed while it rendered (a few ms for a
    /// long transcript): 4,096 stripes make that rare under writes to many sessions, for 32 KiB of counters.
    static let stripes = 4096

    private let state: Mutex<State>
    /// At most this many bytes of exports; 0 keeps none.
    let byteLimit: Int

    init(byteLimit: Int) {
        self.byteLimit = max(0, byteLimit)
        // Entries are counted by their bytes; the count bound only keeps tiny exports from piling up.
        state = Mutex(State(entries: LeastRecentlyUsedCache(capacity: 4096, byteLimit: self.byteLimit)))
    }

    /// The export of `session` as of `position`, if it is the one kept.
    func json(of session: String, at position: Int64) -> [UInt8]? {
        kept(session) { $0.position == position }
    }

    /// The export of `session` at its version `version`, if it is the one kept.
    func json(of session: String, version: Int64) -> [UInt8]? {
        kept(session) { $0.version == version }
    }

    private func kept(_ session: String, if matches: (Entry) -> Bool) -> [UInt8]? {
        guard byteLimit > 0 else { return nil }
        return state.withLock { state in
            guard let entry = state.entries.value(for: session), matches(entry) else { return nil }
            return entry.json
        }
    }

    /// Take before reading `session` from the projection; pass to ``keep(_:of:at:version:ticket:)``.
    func ticket(for session: String) -> Ticket {
        let stripe = DropGenerations.stripe(of: session, among: Self.stripes)
        return state.withLock { $0.generations.ticket(stripe: stripe) }
    }

    /// Keeps `json`, the export of `session` as of `position` (its last, at version `version`), read after `ticket`
    /// was taken for `session`, in place of any older one; nothing when the session's stripe was dropped since.
    func keep(_ json: [UInt8], of session: String, at position: Int64, version: Int64, ticket: Ticket) {
        guard byteLimit > 0, json.count <= byteLimit / 4 else { return }
        assert(ticket.stripe == DropGenerations.stripe(of: session, among: Self.stripes), "a ticket of another session")
        state.withLock { state in
            // Read before the session changed or was erased: what it would put back was dropped.
            guard state.generations.admits(ticket) else { return }
            // A reader that read before a newer export was kept must not replace it with its older one.
            if let held = state.entries.value(for: session), held.position > position { return }
            state.entries.insert(
                Entry(position: position, version: version, json: json), bytes: json.count, for: session)
        }
    }

    /// Drops the exports of `sessions` (their events were just applied, so what is kept no longer matches) and
    /// refuses the keeps of readers that started before (their stripes').
    func drop<C: Collection<String>>(_ sessions: C) {  // read twice: a collection, not a one-pass sequence
        guard byteLimit > 0 else { return }
        // Every applied batch calls this: the names are hashed outside the lock (a batch's records mostly come in
        // runs of one session), and an empty cache costs one lock and no copy of the names.
        var stripes = DropGenerations.Stripes(among: Self.stripes)
        var previous: String?
        for session in sessions where session != previous {
            stripes.insert(DropGenerations.stripe(of: session, among: Self.stripes))
            previous = session
        }
        let isEmpty = state.withLock { state in
            state.generations.drop(stripes)
            return state.entries.count == 0
        }
        guard !isEmpty else { return }
        // A keep between the two locks holds a ticket taken after the bump, so it read what the batch committed.
        let sessions = Array(sessions)  // `Sendable`, to be used under the lock
        let removed = state.withLock { state in sessions.compactMap { state.entries.remove($0)?.json } }
        // Freed here, after the lock: an export can be MiBs, and every export GET takes that lock on its event loop.
        withExtendedLifetime(removed) {}
    }

    /// Drops every export and refuses every keep of a reader that started before (a permanent deletion's erasure:
    /// no deleted session's text stays in memory; a swapped-in database: nothing the old one rendered stays).
    func removeAll() {
        state.withLock { state in
            state.generations.dropAll()
            state.entries.removeAll()
        }
    }

    /// The exports kept and their bytes.
    var usage: CacheUsage { state.withLock { $0.entries.usage } }
}
