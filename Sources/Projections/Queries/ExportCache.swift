import Synchronization

/// The latest JSON export of recently exported sessions, so that loading an unchanged transcript again copies
/// nothing and reads nothing but the session's row (decision 0153).
///
/// An entry is the export as of the session's last position, and is served only for that position: an export
/// is a function of the session and the position alone, so a stale entry can never be served, only fail to
/// match. The store drops a session's entry when it applies a batch touching it (``drop(_:)``), so that an
/// entry a later event made stale does not hold memory. Bounded in bytes (the exports' sizes), least recently
/// used first out; an export larger than a quarter of the bound is not kept, so one long transcript cannot
/// empty the cache of every other.
final class ExportCache: Sendable {
    private struct Entry: Sendable {
        var position: Int64
        /// The session's version at `position` (its last event's), for callers that know only the version.
        var version: Int64
        var json: [UInt8]
    }

    private let entries: Mutex<LeastRecentlyUsedCache<String, Entry>>
    /// At most this many bytes of exports; 0 keeps none.
    let byteLimit: Int

    init(byteLimit: Int) {
        self.byteLimit = max(0, byteLimit)
        // Entries are counted by their bytes; the count bound only keeps tiny exports from piling up.
        entries = Mutex(LeastRecentlyUsedCache(capacity: 4096, byteLimit: self.byteLimit))
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
        return entries.withLock { entries in
            guard let entry = entries.value(for: session), matches(entry) else { return nil }
            return entry.json
        }
    }

    /// Keeps `json`, the export of `session` as of `position` (its last, at version `version`), in place of any
    /// older one.
    func keep(_ json: [UInt8], of session: String, at position: Int64, version: Int64) {
        guard byteLimit > 0, json.count <= byteLimit / 4 else { return }
        entries.withLock { entries in
            // A reader that read before a newer export was kept must not replace it with its older one.
            if let held = entries.value(for: session), held.position > position { return }
            entries.insert(Entry(position: position, version: version, json: json), bytes: json.count, for: session)
        }
    }

    /// Drops the exports of `sessions` (their events were just applied, so what is kept no longer matches).
    func drop<S: Sequence<String>>(_ sessions: S) {
        // Every applied batch calls this: an empty cache costs one look, no copy of the names.
        guard byteLimit > 0, entries.withLock({ $0.count > 0 }) else { return }
        let sessions = Array(sessions)  // `Sendable`, to be used under the lock
        let removed = entries.withLock { entries in sessions.compactMap { entries.remove($0)?.json } }
        // Freed here, after the lock: an export can be MiBs, and every export GET takes that lock on its event loop.
        withExtendedLifetime(removed) {}
    }

    /// Drops every export (a permanent deletion's erasure: no deleted session's text stays in memory).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    /// The bytes of the exports kept (tests).
    var bytes: Int { entries.withLock { $0.totalBytes } }
}
