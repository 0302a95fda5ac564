/// The structured values inside event bodies, read field by field (keys as in their `CodingKeys`).
extension ToolCall: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var id: ToolCallID?, name: String?, input: String?, type: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "id" {
                id = try json.read()
            } else if key == "name" {
                name = try json.read()
            } else if key == "input" {
                input = try json.read()
            } else if key == "type" {
                type = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            id: try JSONReader.required(id, "id"), name: try JSONReader.required(name, "name"),
            input: try JSONReader.required(input, "input"), type: type)
    }
}

extension Callback: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var name: String?, toolName: String?, type: CallbackType?, bashCommand: String?, bashTimeout: Int?
        var subAgentPrompt: String?, subAgentType: String?, includeFullHistory: Bool?, messageContent: String?
        var excludeFromContext: Bool?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "name" {
                name = try json.readIfPresent()
            } else if key == "toolName" {
                toolName = try json.read()
            } else if key == "type" {
                type = try json.read()
            } else if key == "bashCommand" {
                bashCommand = try json.readIfPresent()
            } else if key == "bashTimeout" {
                bashTimeout = try json.readIfPresent()
            } else if key == "subAgentPrompt" {
                subAgentPrompt = try json.readIfPresent()
            } else if key == "subAgentType" {
                subAgentType = try json.readIfPresent()
            } else if key == "includeFullHistory" {
                includeFullHistory = try json.readIfPresent()
            } else if key == "messageContent" {
                messageContent = try json.readIfPresent()
            } else if key == "excludeFromContext" {
                excludeFromContext = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            name: name, toolName: try JSONReader.required(toolName, "toolName"),
            type: try JSONReader.required(type, "type"), bashCommand: bashCommand, bashTimeout: bashTimeout,
            subAgentPrompt: subAgentPrompt, subAgentType: subAgentType, includeFullHistory: includeFullHistory,
            messageContent: messageContent, excludeFromContext: excludeFromContext)
    }
}

extension AgentConfig: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var model: String?, temperature: Double?, maxTokens: Int?, availableTools: [String]?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "model" {
                model = try json.read()
            } else if key == "temperature" {
                temperature = try json.read()
            } else if key == "maxTokens" {
                maxTokens = try json.read()
            } else if key == "availableTools" {
                availableTools = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            model: try JSONReader.required(model, "model"),
            temperature: try JSONReader.required(temperature, "temperature"),
            maxTokens: try JSONReader.required(maxTokens, "maxTokens"), availableTools: availableTools)
    }
}

extension SessionQuotas: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var maxMessages: Int?, maxTokensTotal: Int?, maxToolCalls: Int?, maxSessionDurationMinutes: Int?
        var rateLimitMessagesPerMinute: Int?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "maxMessages" {
                maxMessages = try json.readIfPresent()
            } else if key == "maxTokensTotal" {
                maxTokensTotal = try json.readIfPresent()
            } else if key == "maxToolCalls" {
                maxToolCalls = try json.readIfPresent()
            } else if key == "maxSessionDurationMinutes" {
                maxSessionDurationMinutes = try json.readIfPresent()
            } else if key == "rateLimitMessagesPerMinute" {
                rateLimitMessagesPerMinute = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            maxMessages: maxMessages, maxTokensTotal: maxTokensTotal, maxToolCalls: maxToolCalls,
            maxSessionDurationMinutes: maxSessionDurationMinutes,
            rateLimitMessagesPerMinute: rateLimitMessagesPerMinute)
    }
}

extension ForkOrigin: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var sessionID: SessionID?, position: UInt64?, messageID: MessageID?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "sessionId" {
                sessionID = try json.read()
            } else if key == "position" {
                position = try json.read()
            } else if key == "messageId" {
                messageID = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            sessionID: try JSONReader.required(sessionID, "sessionId"),
            position: try JSONReader.required(position, "position"), messageID: messageID)
    }
}
