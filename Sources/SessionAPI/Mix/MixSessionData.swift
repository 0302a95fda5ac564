import Foundation
import Projections
import Sessions

/// The Mix `SessionData` object (mix-api.md §2.1), with real counters, callbacks and `firstUserMessage`
/// (decision (e)) and summed token totals (decision (f)).
struct MixSessionData: Encodable {
    var id: String
    var parentSessionId: String?
    var parentToolCallId: String?
    var title: String
    var sessionType: String
    var subagentType: String?
    var browserMode: String
    var cdpUrl: String?
    var userMessageCount: Int
    var assistantMessageCount: Int
    var toolCallCount: Int
    var promptTokens: Int
    var completionTokens: Int
    var cost: Double
    var createdAt: Date
    var firstUserMessage: String?
    var callbacks: [Callback]?

    init(_ session: SessionSnapshot) {
        id = session.id.rawValue
        parentSessionId = session.parentSessionID?.rawValue
        parentToolCallId = session.parentToolCallID?.rawValue
        title = session.title ?? ""
        sessionType = session.sessionType.rawValue
        subagentType = session.sessionType == .subagent ? (session.subagentType ?? "general-purpose") : nil
        browserMode = session.browserMode.rawValue
        cdpUrl = session.cdpURL
        userMessageCount = session.counters.userMessageCount
        assistantMessageCount = session.counters.assistantMessageCount
        toolCallCount = session.counters.toolCallCount
        promptTokens = session.counters.promptTokens
        completionTokens = session.counters.completionTokens
        cost = session.counters.cost
        createdAt = session.createdAt
        firstUserMessage = session.firstUserMessage
        callbacks = session.callbacks.isEmpty ? nil : session.callbacks
    }
}
