import Foundation

extension SessionState {
    /// Folds one event into the state.
    ///
    /// Total: events in the log were validated when decided, so apply never fails; an event that does not fit
    /// (a result for an unknown call) changes only the version and times, and so does ``EventErased``. After
    /// ``SessionDeleted`` only the tombstone's facts remain (id, namespace, creation time — unless compaction
    /// erased the creation — deletion time, version); a ``SessionCreated`` after it starts a new incarnation from
    /// nothing but the version.
    /// - Parameters:
    ///   - event: The next event of this session, in log order.
    ///   - version: The event's stream version (the session's version afterwards).
    ///   - recordedAt: The record's time in the log; events carry no clock of their own.
    public mutating func apply(_ event: SessionEvent, version: UInt64, recordedAt: Date) {
        self.version = version
        updatedAt = recordedAt
        switch event {
        case .created(let created): applyCreated(created, at: recordedAt)
        case .titleChanged(let changed): title = changed.title
        case .messageAppended(let appended): appendMessage(appended, version: version, at: recordedAt)
        case .toolResultRecorded(let recorded): recordToolResult(recorded, at: recordedAt)
        case .callbackResultRecorded(let recorded): recordCallbackResult(recorded, at: recordedAt)
        case .callbacksReplaced(let replaced): callbacks = replaced.callbacks
        case .userMemoryUpdated(let updated): userMemory = updated.userMemory
        case .rewound(let rewound): removeMessages(rewound.removedMessageIDs, version: version, at: recordedAt)
        case .processingStarted:
            isProcessing = true
            lastActivityAt = recordedAt
        case .processingCancelled, .processingFinished:
            isProcessing = false
            lastActivityAt = recordedAt
        case .archived: archivedAt = recordedAt
        case .terminated:
            terminatedAt = recordedAt
            isProcessing = false
        case .fileAdded(let added): files.append(SessionFile(added: added, version: version, at: recordedAt))
        case .fileRemoved(let removed): files.removeAll { $0.id == removed.fileID }
        case .deleted(let deleted): applyDeleted(deleted, version: version, at: recordedAt)
        case .erased: break
        case .forked: break
        case .messagesRemoved(let removed):
            removeMessages(removed.removedMessageIDs, version: version, at: recordedAt)
        case .stateUpdated(let updated):
            for (key, value) in updated.delta where StateScope(key: key) == .session { state[key] = value }
        }
    }

    /// The state with one more event folded in; see ``apply(_:version:recordedAt:)``.
    public func applying(_ event: SessionEvent, version: UInt64, recordedAt: Date) -> SessionState {
        var state = self
        state.apply(event, version: version, recordedAt: recordedAt)
        return state
    }

    /// A creation starts the session from nothing but its version: after a tombstone (a deleted session's id
    /// created again, decision 0177) nothing of the earlier incarnation — its deletion included — carries over.
    private mutating func applyCreated(_ created: SessionCreated, at date: Date) {
        let version = self.version
        self = SessionState(keepingContent: keepsContent)
        self.version = version
        updatedAt = date
        id = created.sessionID
        namespace = created.namespace
        origin = created.origin
        title = created.title
        customSystemPrompt = created.customSystemPrompt
        promptMode = created.promptMode
        browserMode = created.browserMode
        cdpURL = created.cdpURL
        sessionType = created.sessionType
        subagentType = created.subagentType
        parentSessionID = created.parentSessionID
        parentToolCallID = created.parentToolCallID
        forkedFrom = created.forkedFrom
        callbacks = created.callbacks
        userID = created.userID
        agentConfig = created.agentConfig
        quotas = created.quotas
        userMemory = created.userMemory
        metadata = created.metadata
        enableMemory = created.enableMemory
        expiresAt = created.expiresAt
        appName = created.appName
        createdAt = date
        lastActivityAt = date
    }

    private mutating func appendMessage(_ appended: MessageAppended, version: UInt64, at date: Date) {
        guard messageIndex[appended.messageID] == nil else { return }
        let index = messageFacts.count
        messageFacts.append(MessageFacts(appended, version: version, at: date))
        if keepsContent { transcript.append(TranscriptMessage(appended: appended, version: version, at: date)) }
        messageIndex[appended.messageID] = index
        for (callIndex, call) in appended.toolCalls.enumerated() where toolCallIndex[call.id] == nil {
            toolCallIndex[call.id] = ToolCallLocation(message: index, call: callIndex)
        }
        lastActivityAt = date

        counters.messageCount += 1
        counters.totalMessages += 1
        countLive(appended.role, by: 1)
        if appended.role == .user, firstUserMessageID == nil { firstUserMessageID = appended.messageID }
        counters.promptTokens = SessionCounters.adding(
            SessionCounters.promptTokens(input: appended.inputTokens, cacheCreation: appended.cacheCreationTokens),
            to: counters.promptTokens)
        counters.completionTokens = SessionCounters.adding(
            SessionCounters.completionTokens(output: appended.outputTokens, cacheRead: appended.cacheReadTokens),
            to: counters.completionTokens)
        counters.cost += appended.cost ?? 0
        counters.totalToolCalls += appended.toolCalls.count
        if let latency = appended.latencyMs {
            counters.latencySumMs += latency
            counters.latencySamples += 1
        }
    }

    private mutating func countLive(_ role: MessageRole, by delta: Int) {
        switch role {
        case .user: counters.userMessageCount += delta
        case .assistant: counters.assistantMessageCount += delta
        case .tool: counters.toolCallCount += delta
        }
    }

    private mutating func recordToolResult(_ recorded: ToolResultRecorded, at date: Date) {
        lastActivityAt = date
        if let location = toolCallIndex[recorded.toolCallID] {
            if recorded.finished {
                finishedToolCalls.insert(recorded.toolCallID)
            } else {
                finishedToolCalls.remove(recorded.toolCallID)
            }
            if keepsContent { transcript[location.message].toolCalls[location.call].result = recorded }
        }
        if keepsContent, let index = messageIndex[recorded.messageID],
            !transcript[index].resultToolCallIDs.contains(recorded.toolCallID)
        {
            transcript[index].resultToolCallIDs.append(recorded.toolCallID)
        }
    }

    private mutating func recordCallbackResult(_ recorded: CallbackResultRecorded, at date: Date) {
        lastActivityAt = date
        if keepsContent, let index = messageIndex[recorded.messageID] {
            transcript[index].callbackResults.append(recorded)
        }
        counters.cost += recorded.subagentCost ?? 0
    }

    private mutating func removeMessages(_ ids: [MessageID], version: UInt64, at date: Date) {
        lastActivityAt = date
        for id in ids {
            guard let index = messageIndex[id], !messageFacts[index].isRemoved else { continue }
            messageFacts[index].isRemoved = true
            if keepsContent {
                transcript[index].removedVersion = version
                transcript[index].removedAt = date
            }
            counters.messageCount -= 1
            countLive(messageFacts[index].role, by: -1)
        }
        if let first = firstUserMessageID, ids.contains(first) {
            firstUserMessageID = messageFacts.first { $0.role == .user && !$0.isRemoved }?.id
        }
    }

    private mutating func applyDeleted(_ deleted: SessionDeleted, version: UInt64, at date: Date) {
        let createdAt = self.createdAt
        self = SessionState(keepingContent: keepsContent)
        self.id = deleted.sessionID
        self.namespace = deleted.namespace
        self.createdAt = createdAt
        self.version = version
        self.updatedAt = date
        self.deletedAt = date
    }
}
