internal import GRDB

extension SessionRow {
    /// Every column, in the order of ``init(selected:)`` and ``arguments``; the hot path's statements use it
    /// instead of Codable (which re-prepares and authorizes a statement per call).
    static let columnNames = [
        "id", "namespace", "origin", "title", "customSystemPrompt", "promptMode", "browserMode", "cdpUrl",
        "sessionType", "subagentType", "parentSessionId", "parentToolCallId", "userId", "agentConfig", "quotas",
        "userMemory", "metadata", "enableMemory", "expiresAt", "createdPosition", "createdAt", "updatedAt",
        "lastActivityAt", "version", "lastPosition", "isProcessing", "archivedPosition", "archivedAt",
        "terminatedPosition", "terminatedAt", "userMessageCount", "assistantMessageCount", "toolCallCount",
        "promptTokens", "completionTokens", "cost", "messageCount", "totalMessages", "totalToolCalls",
        "latencySumMs", "latencySamples", "firstUserMessagePosition", "appName", "state",
    ]

    static let selectSQL = "SELECT \(columnNames.joined(separator: ", ")) FROM session WHERE id = ?"
    static let insertSQL =
        "INSERT INTO session (\(columnNames.joined(separator: ", "))) VALUES (\(columnNames.map { _ in "?" }.joined(separator: ", ")))"
    static let updateSQL =
        "UPDATE session SET \(columnNames.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// Decodes a row selected by ``selectSQL``.
    init(selected row: Row) {
        id = row[0]
        namespace = row[1]
        origin = row[2]
        title = row[3]
        customSystemPrompt = row[4]
        promptMode = row[5]
        browserMode = row[6]
        cdpUrl = row[7]
        sessionType = row[8]
        subagentType = row[9]
        parentSessionId = row[10]
        parentToolCallId = row[11]
        userId = row[12]
        agentConfig = row[13]
        quotas = row[14]
        userMemory = row[15]
        metadata = row[16]
        enableMemory = row[17]
        expiresAt = row[18]
        createdPosition = row[19]
        createdAt = row[20]
        updatedAt = row[21]
        lastActivityAt = row[22]
        version = row[23]
        lastPosition = row[24]
        isProcessing = row[25]
        archivedPosition = row[26]
        archivedAt = row[27]
        terminatedPosition = row[28]
        terminatedAt = row[29]
        userMessageCount = row[30]
        assistantMessageCount = row[31]
        toolCallCount = row[32]
        promptTokens = row[33]
        completionTokens = row[34]
        cost = row[35]
        messageCount = row[36]
        totalMessages = row[37]
        totalToolCalls = row[38]
        latencySumMs = row[39]
        latencySamples = row[40]
        firstUserMessagePosition = row[41]
        appName = row[42]
        state = row[43]
    }

    /// The values after `id`, in ``columnNames`` order.
    private var valuesAfterID: [(any DatabaseValueConvertible)?] {
        [
            namespace, origin, title, customSystemPrompt, promptMode, browserMode, cdpUrl, sessionType, subagentType,
            parentSessionId, parentToolCallId, userId, agentConfig, quotas, userMemory, metadata, enableMemory,
            expiresAt, createdPosition, createdAt, updatedAt, lastActivityAt, version, lastPosition, isProcessing,
            archivedPosition, archivedAt, terminatedPosition, terminatedAt, userMessageCount, assistantMessageCount,
            toolCallCount, promptTokens, completionTokens, cost, messageCount, totalMessages, totalToolCalls,
            latencySumMs, latencySamples, firstUserMessagePosition, appName, state,
        ]
    }

    /// Arguments of ``insertSQL``.
    var insertArguments: StatementArguments { StatementArguments([id] + valuesAfterID) }
    /// Arguments of ``updateSQL``.
    var updateArguments: StatementArguments { StatementArguments(valuesAfterID + [id]) }
}
