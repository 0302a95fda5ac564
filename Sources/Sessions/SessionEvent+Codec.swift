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
        var data = Data(body)
        if schemaVersion < newest {
            data = try upcast(eventType, body: data, from: schemaVersion, using: upcasters)
        }
        do {
            return try decodeCurrent(eventType, from: data)
        } catch {
            throw .undecodableEvent(type: type, schemaVersion: schemaVersion, reason: describe(error))
        }
    }

    private static func decodeCurrent(_ eventType: EventType, from data: Data) throws -> SessionEvent {
        let decoder = EventJSON.decoder
        switch eventType {
        case .sessionCreated: return .created(try decoder.decode(SessionCreated.self, from: data))
        case .sessionTitleChanged: return .titleChanged(try decoder.decode(SessionTitleChanged.self, from: data))
        case .messageAppended: return .messageAppended(try decoder.decode(MessageAppended.self, from: data))
        case .toolResultRecorded:
            return .toolResultRecorded(try decoder.decode(ToolResultRecorded.self, from: data))
        case .callbackResultRecorded:
            return .callbackResultRecorded(try decoder.decode(CallbackResultRecorded.self, from: data))
        case .callbacksReplaced: return .callbacksReplaced(try decoder.decode(CallbacksReplaced.self, from: data))
        case .userMemoryUpdated: return .userMemoryUpdated(try decoder.decode(UserMemoryUpdated.self, from: data))
        case .sessionRewound: return .rewound(try decoder.decode(SessionRewound.self, from: data))
        case .processingStarted: return .processingStarted(try decoder.decode(ProcessingStarted.self, from: data))
        case .processingCancelled:
            return .processingCancelled(try decoder.decode(ProcessingCancelled.self, from: data))
        case .processingFinished:
            return .processingFinished(try decoder.decode(ProcessingFinished.self, from: data))
        case .sessionArchived: return .archived(try decoder.decode(SessionArchived.self, from: data))
        case .sessionTerminated: return .terminated(try decoder.decode(SessionTerminated.self, from: data))
        case .fileAdded: return .fileAdded(try decoder.decode(FileAdded.self, from: data))
        case .fileRemoved: return .fileRemoved(try decoder.decode(FileRemoved.self, from: data))
        case .sessionDeleted: return .deleted(try decoder.decode(SessionDeleted.self, from: data))
        case .eventErased: return .erased(try decoder.decode(EventErased.self, from: data))
        case .sessionForked: return .forked(try decoder.decode(SessionForked.self, from: data))
        case .messagesRemoved: return .messagesRemoved(try decoder.decode(MessagesRemoved.self, from: data))
        case .stateUpdated: return .stateUpdated(try decoder.decode(StateUpdated.self, from: data))
        }
    }

    /// A short reason for a decoding failure: the JSON path and what was wrong, never the body itself.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing key '\(parent == "body" ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at '\(path(context))'"
        case .dataCorrupted(let context):
            return "invalid value at '\(path(context))'"
        @unknown default:
            return "invalid body"
        }
    }
}
