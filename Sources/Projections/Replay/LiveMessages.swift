import Sessions

/// The messages of each session a rebuild has not seen removed, kept in memory so that a rebuild needs no
/// `transcriptMessageBySession` while it applies events (decision 0131): a rewind finds the messages it removes
/// here instead of through the index, which is then built once, sorted, after the bulk load.
///
/// Only a rebuild's one spanning transaction uses it (``SessionRowCarry``): every message it appended is here
/// until removed, so the rows it points at are exactly those `WHERE sessionKey = ? AND removedPosition IS NULL`.
/// Each entry holds the hash of the message id's UTF-8 bytes, not the id: ≈ 24 bytes a message, and a match is
/// confirmed against the row. ``count`` lets the rebuild bound it (``ProjectionStore/Configuration/rebuildLiveMessages``).
final class LiveMessages: @unchecked Sendable {
    struct Message {
        /// The row's `addedPosition` (its rowid).
        var position: Int64
        var idHash: Int
        var role: MessageRole
    }

    /// Each session's live messages, in log order.
    private var bySession: [String: [Message]] = [:]
    /// Messages held, over every session.
    private(set) var count = 0

    func append(_ id: MessageID, role: MessageRole, at position: Int64, to session: String) {
        bySession[session, default: []].append(Message(position: position, idHash: Self.hash(id.rawValue.utf8), role: role))
        count += 1
    }

    /// Removes and returns the live messages of `session` whose id is one of `ids` (UTF-8 bytes), in log order;
    /// `isID` confirms that the row at a position holds one of them (two ids may share a hash).
    ///
    /// The matches are found before the list is touched, so a removal that matches nothing copies nothing, and
    /// one id (a framework's pop, usually the last message) is searched from the end.
    func remove(_ ids: Set<[UInt8]>, of session: String, isID: (Int64) throws -> Bool) rethrows -> [Message] {
        guard let messages = bySession[session], !ids.isEmpty else { return [] }
        let hashes = Set(ids.map { Self.hash($0) })
        var matches: [Int] = []
        if ids.count == 1, let hash = hashes.first {
            // A session never appends an id twice (`requireNewMessage`): the last match is the only one.
            for index in messages.indices.reversed() where messages[index].idHash == hash {
                if try isID(messages[index].position) {
                    matches = [index]
                    break
                }
            }
        } else {
            for index in messages.indices where hashes.contains(messages[index].idHash) {
                if try isID(messages[index].position) { matches.append(index) }
            }
        }
        guard !matches.isEmpty else { return [] }
        let removed = matches.map { messages[$0] }
        bySession[session]!.removeSorted(matches)
        count -= removed.count
        return removed
    }

    /// The position of the session's first live user message.
    func firstUserMessage(of session: String) -> Int64? {
        bySession[session]?.first { $0.role == .user }?.position
    }

    /// Forgets a deleted session.
    func removeSession(_ session: String) {
        count -= bySession.removeValue(forKey: session)?.count ?? 0
    }

    /// The hash of an id's UTF-8 bytes: ids compare as bytes, as SQLite compares them on the live path, not as
    /// Swift strings (canonically equivalent ids are different ids).
    static func hash(_ id: some Sequence<UInt8>) -> Int {
        var hasher = Hasher()
        for byte in id { hasher.combine(byte) }
        return hasher.finalize()
    }
}

extension Array {
    /// Removes the elements at `offsets` (ascending) in place, shifting each kept element once.
    fileprivate mutating func removeSorted(_ offsets: [Int]) {
        var write = offsets[0]
        var next = 0
        for read in offsets[0]..<count {
            if next < offsets.count, offsets[next] == read {
                next += 1
            } else {
                swapAt(write, read)
                write += 1
            }
        }
        removeLast(count - write)
    }
}
