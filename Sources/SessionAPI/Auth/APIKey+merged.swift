extension APIKey {
    /// Two lists of keys as one, oldest first: every key either holds (by id), revoked when either revoked it, at
    /// the earlier time. Keys are only ever added and revoked, so merging in any order, any number of times, gives
    /// the same list: what lets nodes exchange their key files without losing a change (decision 0168).
    static func merged(_ first: [APIKey], _ second: [APIKey]) -> [APIKey] {
        var byID: [String: APIKey] = [:]
        for key in first + second {
            guard var known = byID[key.id] else {
                byID[key.id] = key
                continue
            }
            if let revoked = key.revokedAt { known.revokedAt = min(known.revokedAt ?? revoked, revoked) }
            byID[key.id] = known
        }
        return byID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}
