extension Session {
    /// A tool result: the call must exist (removed messages included: a rewind does not stop a running
    /// agent), a finished result is final, and the carrying tool message is reused or appended first.
    static func decideRecordToolResult(
        _ command: RecordToolResult,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        for (index, url) in command.screenshotURLs.enumerated() where url.isEmpty {
            throw .validation(field: "screenshotUrls[\(index)]", message: "screenshot URL must not be empty")
        }
        guard state.hasToolCall(command.toolCallID) else { throw .toolCallNotFound(command.toolCallID) }
        if state.isToolCallFinished(command.toolCallID) {
            throw .conflict(
                field: "toolCallId",
                message: "Tool call with ID '\(command.toolCallID)' already has a result"
            )
        }
        var events: [SessionEvent] = []
        let messageID: MessageID
        if let given = command.messageID, let existing = state.messageFacts(given) {
            guard !existing.isRemoved else { throw .messageNotFound(given) }
            guard existing.role == .tool else {
                throw .validation(field: "messageId", message: "Message with ID '\(given)' is not a tool message")
            }
            messageID = given
        } else {
            messageID = try newID(command.messageID, field: "messageId", context: context)
            events.append(.messageAppended(MessageAppended(messageID: messageID, role: .tool)))
        }
        events.append(
            .toolResultRecorded(
                ToolResultRecorded(
                    toolCallID: command.toolCallID,
                    messageID: messageID,
                    result: command.result,
                    metadata: command.metadata,
                    isError: command.isError,
                    screenshotURLs: command.screenshotURLs,
                    finished: command.finished
                )
            )
        )
        return events
    }

    /// A callback execution: its own tool message (mix-api.md §2.5), then the result on it.
    static func decideRecordCallbackResult(
        _ command: RecordCallbackResult,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        guard !command.toolName.isEmpty else { throw .validation(field: "toolName", message: "toolName is required") }
        try requireNonNegative("subagentCost", command.subagentCost)
        guard state.hasToolCall(command.toolCallID) else { throw .toolCallNotFound(command.toolCallID) }
        let messageID: MessageID = try newID(command.messageID, field: "messageId", context: context)
        try requireNewMessage(messageID, in: state)
        return [
            .messageAppended(MessageAppended(messageID: messageID, role: .tool)),
            .callbackResultRecorded(
                CallbackResultRecorded(
                    messageID: messageID,
                    toolCallID: command.toolCallID,
                    toolName: command.toolName,
                    callbackName: nonEmpty(command.callbackName),
                    callbackType: command.callbackType,
                    stdout: command.stdout,
                    stderr: command.stderr,
                    exitCode: command.exitCode,
                    subagentID: command.subagentID,
                    subagentResult: command.subagentResult,
                    success: command.success,
                    error: command.error,
                    excludeFromContext: command.excludeFromContext,
                    subagentCost: command.subagentCost
                )
            ),
        ]
    }
}
