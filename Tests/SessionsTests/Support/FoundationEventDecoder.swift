import Foundation
import Sessions

/// The oracle for the event reader: Foundation's `JSONDecoder` over the payloads' `Codable` conformances, as
/// event bodies were decoded before the reader, with the same short reasons for its errors.
enum FoundationEventDecoder {
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The event, or the reason it cannot be decoded.
    static func decode(_ type: EventType, body: [UInt8]) -> DecodeOutcome {
        let data = Data(body)
        do {
            return .event(try decodeThrowing(type, from: data))
        } catch {
            return .rejected(describe(error))
        }
    }

    private static func decodeThrowing(_ type: EventType, from data: Data) throws -> SessionEvent {
        switch type {
        case .sessionCreated: .created(try decoder.decode(SessionCreated.self, from: data))
        case .sessionTitleChanged: .titleChanged(try decoder.decode(SessionTitleChanged.self, from: data))
        case .messageAppended: .messageAppended(try decoder.decode(MessageAppended.self, from: data))
        case .toolResultRecorded: .toolResultRecorded(try decoder.decode(ToolResultRecorded.self, from: data))
        case .callbackResultRecorded:
            .callbackResultRecorded(try decoder.decode(CallbackResultRecorded.self, from: data))
        case .callbacksReplaced: .callbacksReplaced(try decoder.decode(CallbacksReplaced.self, from: data))
        case .userMemoryUpdated: .userMemoryUpdated(try decoder.decode(UserMemoryUpdated.self, from: data))
        case .sessionRewound: .rewound(try decoder.decode(SessionRewound.self, from: data))
        case .processingStarted: .processingStarted(try decoder.decode(ProcessingStarted.self, from: data))
        case .processingCancelled: .processingCancelled(try decoder.decode(ProcessingCancelled.self, from: data))
        case .processingFinished: .processingFinished(try decoder.decode(ProcessingFinished.self, from: data))
        case .sessionArchived: .archived(try decoder.decode(SessionArchived.self, from: data))
        case .sessionTerminated: .terminated(try decoder.decode(SessionTerminated.self, from: data))
        case .fileAdded: .fileAdded(try decoder.decode(FileAdded.self, from: data))
        case .fileRemoved: .fileRemoved(try decoder.decode(FileRemoved.self, from: data))
        case .sessionDeleted: .deleted(try decoder.decode(SessionDeleted.self, from: data))
        case .eventErased: .erased(try decoder.decode(EventErased.self, from: data))
        case .sessionForked: .forked(try decoder.decode(SessionForked.self, from: data))
        case .messagesRemoved: .messagesRemoved(try decoder.decode(MessagesRemoved.self, from: data))
        case .stateUpdated: .stateUpdated(try decoder.decode(StateUpdated.self, from: data))
        }
    }

    /// The JSON path and what was wrong, as `SessionError.undecodableEvent` words it.
    private static func describe(_ error: any Error) -> String {
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

/// What decoding a body gave: the event, or the reason it was rejected.
enum DecodeOutcome: Equatable {
    case event(SessionEvent)
    case rejected(String)
}
