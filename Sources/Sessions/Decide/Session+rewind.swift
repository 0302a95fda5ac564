extension Session {
    /// Mix rewind (mix-api.md §2.7): `messageId` required (before the session lookup), the session, then the
    /// message among the live ones (a removed or foreign id is unknown: 404). Every later live message is
    /// removed. With `cleanupMedia`, files added strictly after the first removed message (or after the kept
    /// message when none is removed) are removed too.
    static func decideRewind(
        _ command: RewindSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        guard let keptID = command.messageID else {
            throw .validation(field: "messageId", message: "message ID is required")
        }
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        guard let keptIndex = state.messageIndex[keptID], !state.messageFacts[keptIndex].isRemoved else {
            throw .messageNotFound(keptID)
        }
        let kept = state.messageFacts[keptIndex]
        let later = state.messageFacts[(keptIndex + 1)...].filter { !$0.isRemoved }
        var events: [SessionEvent] = [
            .rewound(
                SessionRewound(
                    toMessageID: keptID,
                    removedMessageIDs: later.map(\.id),
                    cleanupMedia: command.cleanupMedia
                )
            )
        ]
        if command.cleanupMedia {
            let cutoff = later.first?.appendedAt ?? kept.appendedAt
            for file in state.files where file.addedAt > cutoff {
                events.append(.fileRemoved(FileRemoved(fileID: file.id, reason: .rewindCleanup)))
            }
        }
        return events
    }
}

extension Session {
    /// A framework's rewind to just before a message (live or already removed; an unknown id is 404): every
    /// live message from it on is removed, as a ``SessionRewound`` to the last live message before it. With
    /// no live message before it there is nothing a rewind could keep, so every live message is removed as a
    /// ``MessagesRemoved`` `clear`; nothing live to remove appends nothing.
    static func decideRewindBeforeMessage(
        _ command: RewindBeforeMessage,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        guard let index = state.messageIndex[command.messageID] else {
            throw .messageNotFound(command.messageID)
        }
        let removed = state.messageFacts[index...].filter { !$0.isRemoved }.map(\.id)
        guard !removed.isEmpty else { return [] }
        guard let kept = state.messageFacts[..<index].last(where: { !$0.isRemoved }) else {
            return [.messagesRemoved(MessagesRemoved(removedMessageIDs: removed, reason: .clear))]
        }
        return [.rewound(SessionRewound(toMessageID: kept.id, removedMessageIDs: removed, cleanupMedia: false))]
    }
}
