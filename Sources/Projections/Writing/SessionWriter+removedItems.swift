import EventLog
import Sessions

extension SessionWriter {
    /// `result` with the framework items of the messages its ``Sessions/MessagesRemoved`` events removed, read from
    /// the log: the writer's states keep no message contents (decision 0156). Removing (`pop_item`,
    /// `clear_session`) is rare: any other result returns at once, on the actor, and only the removed messages'
    /// records are read and decoded, off it. The write is durable by now, so a failed read is tried again before it
    /// fails the answer (a client retrying it unkeyed would remove again).
    func withRemovedItems(_ result: WriteResult) async throws -> WriteResult {
        let removed = Set(result.removedMessageIDs)
        guard !removed.isEmpty else { return result }
        var answered = result
        answered.removedItems = try await Self.items(
            of: removed, appendedAt: Set(removed.compactMap { result.state.messageFacts($0)?.appendedVersion }),
            in: result.sessionID, log: log)
        return answered
    }

    /// The items of the messages `removed`, appended at the stream versions `versions`, read from `log`.
    @concurrent private static func items(
        of removed: Set<MessageID>, appendedAt versions: Set<UInt64>, in session: SessionID, log: any LogStore
    ) async throws -> [MessageID: JSONValue] {
        guard let first = versions.min() else { return [:] }
        let records = try await retrying { try await log.readStream(session.rawValue, fromVersion: first) }
        var items: [MessageID: JSONValue] = [:]
        for record in records where versions.contains(record.streamVersion) {
            guard
                case .messageAppended(let appended) = try SessionEvent.decode(
                    type: record.type, schemaVersion: record.schemaVersion, body: record.body),
                removed.contains(appended.messageID), let item = appended.item
            else { continue }
            items[appended.messageID] = item
        }
        return items
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
