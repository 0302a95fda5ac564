internal import GRDB

extension SessionRow {
    /// Every column, in the order of ``init(selected:)`` and the binding functions; the hot path's statements use it
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

    /// Binds the values after `id`, in ``columnNames`` order.
    private func bindValuesAfterID(to statement: inout BoundStatement) {
        statement.bind(namespace)
        statement.bind(origin)
        statement.bind(title)
        statement.bind(customSystemPrompt)
        statement.bind(promptMode)
        statement.bind(browserMode)
        statement.bind(cdpUrl)
        statement.bind(sessionType)
        statement.bind(subagentType)
        statement.bind(parentSessionId)
        statement.bind(parentToolCallId)
        statement.bind(userId)
        statement.bind(agentConfig)
        statement.bind(quotas)
        statement.bind(userMemory)
        statement.bind(metadata)
        statement.bind(enableMemory)
        statement.bind(expiresAt)
        statement.bind(createdPosition)
        statement.bind(createdAt)
        statement.bind(updatedAt)
        statement.bind(lastActivityAt)
        statement.bind(version)
        statement.bind(lastPosition)
        statement.bind(isProcessing)
        statement.bind(archivedPosition)
        statement.bind(archivedAt)
        statement.bind(terminatedPosition)
        statement.bind(terminatedAt)
        statement.bind(userMessageCount)
        statement.bind(assistantMessageCount)
        statement.bind(toolCallCount)
        statement.bind(promptTokens)
        statement.bind(completionTokens)
        statement.bind(cost)
        statement.bind(messageCount)
        statement.bind(totalMessages)
        statement.bind(totalToolCalls)
        statement.bind(latencySumMs)
        statement.bind(latencySamples)
        statement.bind(firstUserMessagePosition)
        statement.bind(appName)
        statement.bind(state)
    }

    /// Binds the parameters of ``insertSQL``.
    func bindInsert(to statement: inout BoundStatement) {
        statement.bind(id)
        bindValuesAfterID(to: &statement)
    }

    /// Binds the parameters of ``updateSQL``.
    func bindUpdate(to statement: inout BoundStatement) {
        bindValuesAfterID(to: &statement)
        statement.bind(id)
    }
}
