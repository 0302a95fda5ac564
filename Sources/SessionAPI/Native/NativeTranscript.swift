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

    /// - Parameter maximumBody: Texts, reasoning, tool inputs and results longer than this many characters
    ///   are cut to it (the message says `truncated`); the whole message is one `after`/`limit=1` read away.
    init(_ page: AuditedTranscript, session: SessionID, limit: Int, maximumBody: Int?) {
        sessionId = session.rawValue
        position = page.position.rawValue
        total = page.total
        messages = page.messages.map { NativeTranscriptMessage($0, maximumBody: maximumBody) }
        next = page.messages.count == limit ? page.messages.last?.addedPosition.rawValue : nil
        stats = NativeTranscriptStats(page.stats)
    }
}

/// One message as the console shows it: the `message.appended` body's fields, then the results of its tool
/// calls as of the page's point, what it carries, and its place in the log.
struct NativeTranscriptMessage: Encodable {
    var appended: MessageAppended
    /// The latest result of each of its tool calls that has one, by call.
    var toolResults: [ToolResultRecorded]
    var toolResultIds: [String]
    var callbackResults: [CallbackResultRecorded]
    var version: UInt64
    var createdAt: Date
    var addedPosition: UInt64
    /// The rewind that removed the message, whenever it happened (after the page's position too).
    var removedPosition: UInt64?
    /// Whether the message was already removed at the page's position.
    var isRemoved: Bool
    /// Whether a body was cut to the request's `maxBodyCharacters`.
    var truncated = false

    init(_ audited: AuditedMessage, maximumBody: Int?) {
        let message = audited.message
        appended = message.appended
        toolResults = message.toolCalls.compactMap(\.result)
        if let maximumBody {
            var cut = false
            func shorten(_ text: String) -> String {
                guard text.count > maximumBody else { return text }
                cut = true
                return String(text.prefix(maximumBody))
            }
            appended.text = appended.text.map(shorten)
            appended.reasoning = appended.reasoning.map(shorten)
            for index in appended.toolCalls.indices { appended.toolCalls[index].input = shorten(appended.toolCalls[index].input) }
            for index in toolResults.indices { toolResults[index].result = shorten(toolResults[index].result) }
            truncated = cut
        }
        toolResultIds = message.resultToolCallIDs.map(\.rawValue)
        callbackResults = message.callbackResults
        version = message.appendedVersion
        createdAt = message.appendedAt
        addedPosition = audited.addedPosition.rawValue
        removedPosition = audited.removedPosition?.rawValue
        isRemoved = message.isRemoved
    }

    enum CodingKeys: String, CodingKey {
        case toolResults, toolResultIds, callbackResults, version, createdAt, addedPosition, removedPosition
        case isRemoved, truncated
    }

    func encode(to encoder: any Encoder) throws {
        // The event body's keys (`messageId`, `role`, `text`, usage, `toolCalls` …) at the top level, then ours.
        try appended.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(toolResults, forKey: .toolResults)
        try container.encode(toolResultIds, forKey: .toolResultIds)
        try container.encode(callbackResults, forKey: .callbackResults)
        try container.encode(version, forKey: .version)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(addedPosition, forKey: .addedPosition)
        try container.encodeIfPresent(removedPosition, forKey: .removedPosition)
        try container.encode(isRemoved, forKey: .isRemoved)
        if truncated { try container.encode(true, forKey: .truncated) }
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
