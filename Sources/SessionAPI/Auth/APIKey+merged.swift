import Foundation

extension APIKey {
    /// Two lists of keys as one, oldest first: every key either holds (by id), revoked when either revoked it, at
    /// the earlier time. Keys are only ever added and revoked, so merging in any order, any number of times, gives
    /// the same list: what lets nodes exchange their key files without losing a change (decision 0168).
    ///
    /// Two entries of one id that disagree on namespace or digest (no `sessiond keys` makes them) are revoked: no
    /// order could tell which is right. A digest revoked under any id is revoked under every id, so a second entry
    /// for the same secret cannot keep it working.
    static func merged(_ first: [APIKey], _ second: [APIKey]) -> [APIKey] {
        var byID: [String: APIKey] = [:]
        var conflicting: Set<String> = []
        for key in first + second {
            guard var known = byID[key.id] else {
                byID[key.id] = key
                continue
            }
            known.createdAt = min(known.createdAt, key.createdAt)
            known.revokedAt = [known.revokedAt, key.revokedAt].compactMap { $0 }.min()
            if known.namespace != key.namespace || known.sha256 != key.sha256 {
                if (key.namespace, key.sha256) < (known.namespace, known.sha256) {
                    (known.namespace, known.sha256) = (key.namespace, key.sha256)
                }
                conflicting.insert(key.id)
            }
            byID[key.id] = known
        }
        // After the loop, so the time does not depend on the order the entries came in.
        for id in conflicting {
            guard var key = byID[id] else { continue }
            key.revokedAt = key.revokedAt ?? key.createdAt
            byID[id] = key
        }
        var revokedDigests: [String: Date] = [:]
        for key in byID.values {
            guard let revoked = key.revokedAt else { continue }
            revokedDigests[key.sha256] = min(revokedDigests[key.sha256] ?? revoked, revoked)
        }
        return byID.values.map { key in
            var key = key
            if let revoked = revokedDigests[key.sha256] { key.revokedAt = min(key.revokedAt ?? revoked, revoked) }
            return key
        }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}
