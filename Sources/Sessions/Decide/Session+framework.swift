import Foundation

extension Session {
    /// A framework session: namespace required, the id new; an initial state follows as ``StateUpdated``.
    static func decideCreateFrameworkSession(
        _ command: CreateFrameworkSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireNamespace(command.namespace)
        if let appName = command.appName, appName.isEmpty {
            throw .validation(field: "appName", message: "appName must not be empty")
        }
        if let userID = command.userID, userID.isEmpty {
            throw .validation(field: "userId", message: "userId must not be empty")
        }
        let id: SessionID = try newID(command.sessionID, field: "sessionId", context: context)
        try requireNew(id, namespace: command.namespace, state: state)
        var events: [SessionEvent] = [
            .created(
                SessionCreated(
                    sessionID: id, namespace: command.namespace, origin: .native, title: nonEmpty(command.title),
                    userID: command.userID, appName: command.appName))
        ]
        let delta = storedDelta(command.state)
        if !delta.isEmpty { events.append(.stateUpdated(StateUpdated(delta: delta))) }
        return events
    }

    /// `pop_item` removes the last live message carrying a framework item, `clear_session` every live
    /// message; nothing to remove appends nothing.
    static func decideRemoveMessages(
        _ command: RemoveMessages,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        let removed: [MessageID] =
            switch command.removal {
            case .pop: state.messageFacts.last { !$0.isRemoved && $0.hasItem }.map { [$0.id] } ?? []
            case .clear: state.messageFacts.filter { !$0.isRemoved }.map(\.id)
            }
        guard !removed.isEmpty else { return [] }
        return [.messagesRemoved(MessagesRemoved(removedMessageIDs: removed, reason: command.removal))]
    }

    /// A state delta: `temp:` keys dropped (ADK never persists them), `app:` keys need the session's app,
    /// `user:` keys its app and user; an empty delta appends nothing.
    static func decideUpdateState(
        _ command: UpdateState,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        let delta = storedDelta(command.delta)
        for key in delta.keys.sorted() {
            switch StateScope(key: key) {
            case .app where state.appName == nil:
                throw .validation(field: "delta.\(key)", message: "app: keys need a session created with an appName")
            case .user where state.appName == nil || state.userID == nil:
                throw .validation(
                    field: "delta.\(key)", message: "user: keys need a session created with an appName and a userId")
            default: break
            }
        }
        guard !delta.isEmpty else { return [] }
        return [.stateUpdated(StateUpdated(delta: delta))]
    }

    /// The part of a delta that is stored: every key but `temp:` ones.
    static func storedDelta(_ delta: JSONObject) -> JSONObject {
        delta.filter { StateScope(key: $0.key) != .temp }
    }
}
