import EventLog
import Foundation
import Projections
import Sessions

/// A page of `GET /v1/sessions/{id}/transcript`: the audited transcript as of a position.
struct NativeTranscriptPage: Encodable {
    var sessionId: String
    /// The log position the page is as of.
    var position: UInt64
    /// Messages appended by then, removed ones included.
    var total: Int
    /// The `after` of the next page; absent on the last page.
    var next: UInt64?
    var messages: [NativeTranscriptMessage]
    var stats: NativeTranscriptStats

    init(_ page: AuditedTranscript, session: SessionID, limit: Int) {
        sessionId = session.rawValue
        position = page.position.rawValue
        total = page.total
        messages = page.messages.map(NativeTranscriptMessage.init)
        next = page.messages.count == limit ? page.messages.last?.addedPosition.rawValue : nil
        stats = NativeTranscriptStats(page.stats)
    }
}

/// One message as the console shows it, with its place in the log.
struct NativeTranscriptMessage: Encodable {
    struct Call: Encodable {
        var id: String
        var name: String
        var input: String
        var type: String?
        var result: ToolResultRecorded?
    }

    var id: String
    var role: String
    var text: String?
    var reasoning: String?
    var reasoningDurationMs: Int?
    var model: String?
    var finishReason: String?
    var inputTokens: Int?
    var outputTokens: Int?
    var cacheCreationTokens: Int?
    var cacheReadTokens: Int?
    var cost: Double?
    var latencyMs: Double?
    var toolCalls: [Call]
    var toolResultIds: [String]
    var callbackResults: [CallbackResultRecorded]
    var version: UInt64
    var createdAt: Date
    var addedPosition: UInt64
    /// The rewind that removed the message, whenever it happened (after the page's position too).
    var removedPosition: UInt64?
    /// Whether the message was already removed at the page's position.
    var isRemoved: Bool

    init(_ audited: AuditedMessage) {
        let message = audited.message
        let appended = message.appended
        id = appended.messageID.rawValue
        role = appended.role.rawValue
        text = appended.text
        reasoning = appended.reasoning
        reasoningDurationMs = appended.reasoningDurationMs
        model = appended.model
        finishReason = appended.finishReason?.rawValue
        inputTokens = appended.inputTokens
        outputTokens = appended.outputTokens
        cacheCreationTokens = appended.cacheCreationTokens
        cacheReadTokens = appended.cacheReadTokens
        cost = appended.cost
        latencyMs = appended.latencyMs
        toolCalls = message.toolCalls.map {
            Call(id: $0.call.id.rawValue, name: $0.call.name, input: $0.call.input, type: $0.call.type, result: $0.result)
        }
        toolResultIds = message.resultToolCallIDs.map(\.rawValue)
        callbackResults = message.callbackResults
        version = message.appendedVersion
        createdAt = message.appendedAt
        addedPosition = audited.addedPosition.rawValue
        removedPosition = audited.removedPosition?.rawValue
        isRemoved = message.isRemoved
    }
}

/// ``Projections/TranscriptStats`` on the wire.
struct NativeTranscriptStats: Encodable {
    var inputTokens: Int
    var outputTokens: Int
    var cacheCreationTokens: Int
    var cacheReadTokens: Int
    var cost: Double
    var latencyP50Ms: Double?
    var latencyMaxMs: Double?
    var toolCalls: Int
    var errors: Int
    var liveMessages: Int
    var removedMessages: Int

    init(_ stats: TranscriptStats) {
        inputTokens = stats.inputTokens
        outputTokens = stats.outputTokens
        cacheCreationTokens = stats.cacheCreationTokens
        cacheReadTokens = stats.cacheReadTokens
        cost = stats.cost
        latencyP50Ms = stats.latencyP50Ms
        latencyMaxMs = stats.latencyMaxMs
        toolCalls = stats.toolCalls
        errors = stats.errors
        liveMessages = stats.liveMessages
        removedMessages = stats.removedMessages
    }
}
