import Foundation

extension SessionEvent {
    /// The event's entry in the wire catalogue.
    public var eventType: EventType {
        switch self {
        case .created: .sessionCreated
        case .titleChanged: .sessionTitleChanged
        case .messageAppended: .messageAppended
        case .toolResultRecorded: .toolResultRecorded
        case .callbackResultRecorded: .callbackResultRecorded
        case .callbacksReplaced: .callbacksReplaced
        case .userMemoryUpdated: .userMemoryUpdated
        case .rewound: .sessionRewound
        case .processingStarted: .processingStarted
        case .processingCancelled: .processingCancelled
        case .processingFinished: .processingFinished
        case .archived: .sessionArchived
        case .terminated: .sessionTerminated
        case .fileAdded: .fileAdded
        case .fileRemoved: .fileRemoved
        case .deleted: .sessionDeleted
        case .erased: .eventErased
        case .forked: .sessionForked
        case .messagesRemoved: .messagesRemoved
        case .stateUpdated: .stateUpdated
        }
    }

    /// The stable wire type, e.g. `message.appended`.
    public var type: String { eventType.rawValue }

    /// The schema version this build writes for the event's type.
    public var schemaVersion: UInt16 { eventType.currentSchemaVersion }

    /// Encodes the event for the log: wire type, current schema version, compact JSON body with sorted keys.
    ///
    /// The same event always yields the same bytes.
    /// - Returns: The encoded event.
    /// - Throws: ``SessionError/unencodableEvent(type:reason:)`` when a value cannot be JSON (a non-finite
    ///   number); ``Session/decide(_:state:context:)`` rejects such values before they reach an event.
    public func encoded() throws(SessionError) -> EncodedEvent {
        do {
            // The event of nearly every append, written by hand: `JSONEncoder` was ≈ 4 % of an append's CPU.
            if case .messageAppended(let payload) = self, let body = payload.bodyJSON() {
                return EncodedEvent(type: type, schemaVersion: schemaVersion, body: body)
            }
            let body: Data =
                switch self {
                case .created(let payload): try EventJSON.encoder.encode(payload)
                case .titleChanged(let payload): try EventJSON.encoder.encode(payload)
                case .messageAppended(let payload): try EventJSON.encoder.encode(payload)
                case .toolResultRecorded(let payload): try EventJSON.encoder.encode(payload)
                case .callbackResultRecorded(let payload): try EventJSON.encoder.encode(payload)
                case .callbacksReplaced(let payload): try EventJSON.encoder.encode(payload)
                case .userMemoryUpdated(let payload): try EventJSON.encoder.encode(payload)
                case .rewound(let payload): try EventJSON.encoder.encode(payload)
                case .processingStarted(let payload): try EventJSON.encoder.encode(payload)
                case .processingCancelled(let payload): try EventJSON.encoder.encode(payload)
                case .processingFinished(let payload): try EventJSON.encoder.encode(payload)
                case .archived(let payload): try EventJSON.encoder.encode(payload)
                case .terminated(let payload): try EventJSON.encoder.encode(payload)
                case .fileAdded(let payload): try EventJSON.encoder.encode(payload)
                case .fileRemoved(let payload): try EventJSON.encoder.encode(payload)
                case .deleted(let payload): try EventJSON.encoder.encode(payload)
                case .erased(let payload): try EventJSON.encoder.encode(payload)
                case .forked(let payload): try EventJSON.encoder.encode(payload)
                case .messagesRemoved(let payload): try EventJSON.encoder.encode(payload)
                case .stateUpdated(let payload): try EventJSON.encoder.encode(payload)
                }
            return EncodedEvent(type: type, schemaVersion: schemaVersion, body: [UInt8](body))
        } catch {
            throw .unencodableEvent(type: type, reason: String(describing: error))
        }
    }

    /// Decodes an event read from the log, upcasting an older schema version to the current one first.
    ///
    /// - Parameters:
    ///   - type: The record's wire type.
    ///   - schemaVersion: The record's schema version.
    ///   - body: The record's JSON body.
    /// - Returns: The event, in its current shape.
    /// - Throws: ``SessionError/unknownEventType(_:)`` for a type this build does not know,
    ///   ``SessionError/unsupportedSchemaVersion(type:schemaVersion:newest:)`` for version 0 or a version
    ///   newer than this build (written by a newer sessiond), and
    ///   ``SessionError/undecodableEvent(type:schemaVersion:reason:)`` for a body that does not match.
    public static func decode(
        type: String,
        schemaVersion: UInt16,
        body: some Collection<UInt8>
    ) throws(SessionError) -> SessionEvent {
        guard let eventType = EventType(rawValue: type) else { throw .unknownEventType(type) }
        let newest = eventType.currentSchemaVersion
        guard schemaVersion >= 1, schemaVersion <= newest else {
            throw .unsupportedSchemaVersion(type: type, schemaVersion: schemaVersion, newest: newest)
        }
        let upcast: [UInt8]? =
            schemaVersion < newest
            ? [UInt8](try upcast(eventType, body: Data(body), from: schemaVersion, using: upcasters)) : nil
        let read = { (bytes: UnsafeBufferPointer<UInt8>) in
            Result { () throws(JSONReadError) in try readCurrent(eventType, from: bytes) }
        }
        let result =
            if let upcast { upcast.withUnsafeBufferPointer(read) } else {
                body.withContiguousStorageIfAvailable(read) ?? Array(body).withUnsafeBufferPointer(read)
            }
        switch result {
        case .success(let event): return event
        case .failure(let error):
            throw .undecodableEvent(type: type, schemaVersion: schemaVersion, reason: error.reason)
        }
    }

    /// Reads a body in the type's current shape.
    private static func readCurrent(
        _ eventType: EventType,
        from bytes: UnsafeBufferPointer<UInt8>
    ) throws(JSONReadError) -> SessionEvent {
        switch eventType {
        case .sessionCreated: .created(try JSONReader.read(bytes, as: SessionCreated.self))
        case .sessionTitleChanged: .titleChanged(try JSONReader.read(bytes, as: SessionTitleChanged.self))
        case .messageAppended: .messageAppended(try JSONReader.read(bytes, as: MessageAppended.self))
        case .toolResultRecorded: .toolResultRecorded(try JSONReader.read(bytes, as: ToolResultRecorded.self))
        case .callbackResultRecorded:
            .callbackResultRecorded(try JSONReader.read(bytes, as: CallbackResultRecorded.self))
        case .callbacksReplaced: .callbacksReplaced(try JSONReader.read(bytes, as: CallbacksReplaced.self))
        case .userMemoryUpdated: .userMemoryUpdated(try JSONReader.read(bytes, as: UserMemoryUpdated.self))
        case .sessionRewound: .rewound(try JSONReader.read(bytes, as: SessionRewound.self))
        case .processingStarted: .processingStarted(try JSONReader.read(bytes, as: ProcessingStarted.self))
        case .processingCancelled: .processingCancelled(try JSONReader.read(bytes, as: ProcessingCancelled.self))
        case .processingFinished: .processingFinished(try JSONReader.read(bytes, as: ProcessingFinished.self))
        case .sessionArchived: .archived(try JSONReader.read(bytes, as: SessionArchived.self))
        case .sessionTerminated: .terminated(try JSONReader.read(bytes, as: SessionTerminated.self))
        case .fileAdded: .fileAdded(try JSONReader.read(bytes, as: FileAdded.self))
        case .fileRemoved: .fileRemoved(try JSONReader.read(bytes, as: FileRemoved.self))
        case .sessionDeleted: .deleted(try JSONReader.read(bytes, as: SessionDeleted.self))
        case .eventErased: .erased(try JSONReader.read(bytes, as: EventErased.self))
        case .sessionForked: .forked(try JSONReader.read(bytes, as: SessionForked.self))
        case .messagesRemoved: .messagesRemoved(try JSONReader.read(bytes, as: MessagesRemoved.self))
        case .stateUpdated: .stateUpdated(try JSONReader.read(bytes, as: StateUpdated.self))
        }
    }
}
