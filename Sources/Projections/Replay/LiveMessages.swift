import Sessions

/// The messages of each session a rebuild has not seen removed, kept in memory so that a rebuild needs no
/// `transcriptMessageBySession` while it applies events (decision 0131): a rewind finds the messages it removes
/// here instead of through the index, which is then built once, sorted, after the bulk load.
///
/// Only a rebuild's one spanning transaction uses it (``SessionRowCarry``): every message it appended is here
/// until removed, so the rows it points at are exactly those `WHERE sessionId = ? AND removedPosition IS NULL`.
/// Each entry holds the message id's hash, not the id: ≈ 24 bytes a message, and a match is confirmed against
/// the row.
final class LiveMessages: @unchecked Sendable {
    struct Message {
        /// The row's `addedPosition` (its rowid).
        var position: Int64
        var idHash: Int
        var role: MessageRole
    }

    /// Each session's live messages, in log order.
    private var bySession: [String: [Message]] = [:]

    func append(_ id: MessageID, role: MessageRole, at position: Int64, to session: String) {
        bySession[session, default: []].append(Message(position: position, idHash: id.rawValue.hashValue, role: role))
    }

    /// Removes and returns the live messages of `session` whose id is one of `ids`, in log order; `isID` confirms
    /// that the row at a position holds one of them (two ids may share a hash).
    func remove(_ ids: Set<String>, of session: String, isID: (Int64) throws -> Bool) rethrows -> [Message] {
        guard let messages = bySession[session] else { return [] }
        let hashes = Set(ids.map(\.hashValue))
        var removed: [Message] = []
        var kept: [Message] = []
        kept.reserveCapacity(messages.count)
        for message in messages {
            if hashes.contains(message.idHash), try isID(message.position) {
                removed.append(message)
            } else {
                kept.append(message)
            }
        }
        if !removed.isEmpty { bySession[session] = kept }
        return removed
    }

    /// The position of the session's first live user message.
    func firstUserMessage(of session: String) -> Int64? {
        bySession[session]?.first { $0.role == .user }?.position
    }

    /// Forgets a deleted session.
    func removeSession(_ session: String) { bySession[session] = nil }
}
