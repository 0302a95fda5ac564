import EventLog
import Sessions

extension SessionWriter {
    /// `result` with the framework items of the messages its ``Sessions/MessagesRemoved`` events removed, read from
    /// the log: the writer's states keep no message contents (decision 0156). Removing (`pop_item`,
    /// `clear_session`) is rare, and reads the stream only from the first removed message on.
    func withRemovedItems(_ result: WriteResult) async throws -> WriteResult {
        let removed = Set(
            result.events.flatMap { event -> [MessageID] in
                guard case .messagesRemoved(let removed) = event else { return [] }
                return removed.removedMessageIDs
            })
        guard !removed.isEmpty else { return result }
        let first = removed.compactMap { result.state.messageFacts($0)?.appendedVersion }.min() ?? 1
        var answered = result
        for record in try await log.readStream(result.sessionID.rawValue, fromVersion: first)
        where record.type == EventType.messageAppended.rawValue {
            guard
                case .messageAppended(let appended) = try SessionEvent.decode(
                    type: record.type, schemaVersion: record.schemaVersion, body: record.body),
                removed.contains(appended.messageID), let item = appended.item
            else { continue }
            answered.removedItems[appended.messageID] = item
        }
        return answered
    }
}
