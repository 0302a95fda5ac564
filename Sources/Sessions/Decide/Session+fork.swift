extension Session {
    /// Fork: the source must exist (a terminated or archived source may be forked: forking reads it, it does
    /// not write to it); the new id must be unused (a deleted session's too: only a create makes it again). The new
    /// session is created in the source's namespace
    /// with the source's settings, callbacks, user memory and app as of the point, then its own state keys (one
    /// `state.updated`), then every message live at the point is appended again with its tool results and callback
    /// results, in transcript order, so the new session's own stream holds its whole transcript (and its counters
    /// count the copied usage). Each copied message names the source in ``MessageAppended/copiedFrom``: recorded at
    /// the fork's time, it was not sent then, and the per-minute rate limit must not count it. The shared `app:`
    /// and `user:` keys are not copied: they are the app's and user's, not the session's, and the fork, of the same
    /// app and user, reads them as the source does.
    static func decideFork(
        _ command: ForkSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        let source = command.source
        guard source.exists, source.id == command.origin.sessionID else {
            throw .sessionNotFound(command.origin.sessionID)
        }
        let id: SessionID = try newID(command.sessionID, field: "sessionId", context: context)
        guard state.id == nil else {
            throw .validation(field: "sessionId", message: "session \(id) already exists")
        }
        if let messageID = command.origin.messageID, source.messageFacts(messageID)?.isRemoved != false {
            throw .messageNotFound(messageID)
        }
        var events: [SessionEvent] = [
            .created(
                SessionCreated(
                    sessionID: id, namespace: source.namespace, origin: source.origin ?? .native,
                    title: command.title ?? source.title, customSystemPrompt: source.customSystemPrompt,
                    promptMode: source.promptMode, browserMode: source.browserMode, cdpURL: source.cdpURL,
                    callbacks: source.callbacks, userID: source.userID, agentConfig: source.agentConfig,
                    quotas: source.quotas, userMemory: source.userMemory, metadata: source.metadata,
                    enableMemory: source.enableMemory,
                    // A session that expires (a Mixpeek agent session) forks into one that expires too, its lifetime
                    // counted from the fork: a fork must not outlive the limits of what it copies.
                    expiresAt: source.expiresAt.map { _ in agentSessionExpiry(quotas: source.quotas, context: context) },
                    forkedFrom: command.origin, appName: source.appName))
        ]
        // The fold keeps only the session's own keys in `state`, so the delta holds no shared key.
        if !source.state.isEmpty { events.append(.stateUpdated(StateUpdated(delta: source.state))) }
        // A state folded without contents has no messages to copy (decision 0156): the caller folds the source whole.
        precondition(source.keepsContent, "a fork's source is folded with its messages' contents")
        // A call's result shows on the call even when the tool message that recorded it is gone (a Mix rewind to
        // the calling assistant message removes it): such a result follows the call's message, the others follow
        // the live tool message that carries them.
        let carried = Set(source.liveMessages.flatMap(\.resultToolCallIDs))
        for message in source.liveMessages {
            var copy = message.appended
            copy.copiedFrom = command.origin.sessionID
            events.append(.messageAppended(copy))
            for record in message.toolCalls where !carried.contains(record.call.id) {
                if let result = record.result { events.append(.toolResultRecorded(result)) }
            }
            // The call's latest result, carried by this message in the fork even when a later tool message (since
            // removed) recorded it.
            for callID in message.resultToolCallIDs {
                if var result = source.toolCall(callID)?.result {
                    result.messageID = message.appended.messageID
                    events.append(.toolResultRecorded(result))
                }
            }
            for result in message.callbackResults { events.append(.callbackResultRecorded(result)) }
        }
        return events
    }

    /// The source's note of a fork: recorded whatever the source's status, since it changes nothing else.
    static func decideRecordFork(_ command: RecordFork, state: SessionState) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        return [.forked(command.fork)]
    }
}
