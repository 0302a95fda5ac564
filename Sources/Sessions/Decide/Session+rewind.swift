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
        guard let keptIndex = state.messageIndex[keptID], !state.transcript[keptIndex].isRemoved else {
            throw .messageNotFound(keptID)
        }
        let kept = state.transcript[keptIndex]
        let later = state.transcript[(keptIndex + 1)...].filter { !$0.isRemoved }
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
