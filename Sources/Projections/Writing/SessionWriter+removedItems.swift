import EventLog
import Sessions

extension SessionWriter {
    /// `result` with the framework items of the messages its ``Sessions/MessagesRemoved`` events removed, read from
    /// the log: the writer's states keep no message contents (decision 0156). Removing (`pop_item`,
    /// `clear_session`) is rare; only the removed messages' records are decoded, off the actor. The write is durable
    /// by now, so a failed read is tried again before it fails the answer (a client retrying it unkeyed would remove
    /// again).
    @concurrent nonisolated func withRemovedItems(_ result: WriteResult) async throws -> WriteResult {
        let removed = Set(
            result.events.flatMap { event -> [MessageID] in
                guard case .messagesRemoved(let removed) = event else { return [] }
                return removed.removedMessageIDs
            })
        guard !removed.isEmpty else { return result }
        let versions = Set(removed.compactMap { result.state.messageFacts($0)?.appendedVersion })
        guard let first = versions.min() else { return result }
        let stream = result.sessionID.rawValue
        let records = try await Self.retrying { [log] in try await log.readStream(stream, fromVersion: first) }
        var answered = result
        for record in records where versions.contains(record.streamVersion) {
            guard
                case .messageAppended(let appended) = try SessionEvent.decode(
                    type: record.type, schemaVersion: record.schemaVersion, body: record.body),
                removed.contains(appended.messageID), let item = appended.item
            else { continue }
            answered.removedItems[appended.messageID] = item
        }
        return answered
    }

    /// `read`, tried up to three times, 50 ms apart.
    private static func retrying<T>(_ read: () async throws -> T) async throws -> T {
        for _ in 1..<3 {
            if let value = try? await read() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await read()
    }
}
