internal import GRDB

extension SessionRow {
    /// Every column, in the order of ``init(reading:)`` and the binding functions; the hot path's statements use it
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

    /// Decodes a row of ``columnNames``, in their order. The projector reads the sessions a batch touches in place
    /// (``SteppedRow``): a GRDB `Row` first maps every column name, ≈ 3.5 % of a framework append's CPU.
    init(reading row: some ColumnReader) {
        id = row.string(0)
        namespace = row.string(1)
        origin = row.string(2)
        title = row.optionalString(3)
        customSystemPrompt = row.optionalString(4)
        promptMode = row.string(5)
        browserMode = row.string(6)
        cdpUrl = row.optionalString(7)
        sessionType = row.string(8)
        subagentType = row.optionalString(9)
        parentSessionId = row.optionalString(10)
        parentToolCallId = row.optionalString(11)
        userId = row.optionalString(12)
        agentConfig = row.optionalString(13)
        quotas = row.optionalString(14)
        userMemory = row.optionalString(15)
        metadata = row.optionalString(16)
        enableMemory = row.bool(17)
        expiresAt = row.optionalInt64(18)
        createdPosition = row.int64(19)
        createdAt = row.int64(20)
        updatedAt = row.int64(21)
        lastActivityAt = row.int64(22)
        version = row.int64(23)
        lastPosition = row.int64(24)
        isProcessing = row.boolOrFalse(25)
        archivedPosition = row.optionalInt64(26)
        archivedAt = row.optionalInt64(27)
        terminatedPosition = row.optionalInt64(28)
        terminatedAt = row.optionalInt64(29)
        userMessageCount = row.intOrZero(30)
        assistantMessageCount = row.intOrZero(31)
        toolCallCount = row.intOrZero(32)
        promptTokens = row.intOrZero(33)
        completionTokens = row.intOrZero(34)
        cost = row.doubleOrZero(35)
        messageCount = row.intOrZero(36)
        totalMessages = row.intOrZero(37)
        totalToolCalls = row.intOrZero(38)
        latencySumMs = row.doubleOrZero(39)
        latencySamples = row.intOrZero(40)
        firstUserMessagePosition = row.optionalInt64(41)
        appName = row.optionalString(42)
        state = row.optionalString(43)
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
