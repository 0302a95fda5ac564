extension Session {
    /// Mix callbacks PATCH (mix-api.md §2.5): the session first (404), then the callbacks; `nil` or `[]` clears.
    static func decideReplaceCallbacks(
        _ command: ReplaceCallbacks,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        let callbacks = try CallbackInput.validated(command.callbacks ?? [])
        return [.callbacksReplaced(CallbacksReplaced(callbacks: callbacks))]
    }

    /// Mixpeek PATCH (mixpeek-api.md §4.3): `user_memory` required (body first, as FastAPI does), replaced whole.
    static func decideUpdateUserMemory(
        _ command: UpdateUserMemory,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        guard let memory = command.userMemory else {
            throw .validation(field: "user_memory", message: "Field required")
        }
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        return [.userMemoryUpdated(UserMemoryUpdated(userMemory: memory))]
    }
}
