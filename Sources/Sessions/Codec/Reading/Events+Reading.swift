import Foundation

/// The event payloads, read field by field (keys as in their `CodingKeys`; required keys are the non-optional
/// stored properties, as in the synthesized `Decodable` conformances).
extension MessageAppended: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var messageID: MessageID?, role: MessageRole?, text: String?, reasoning: String?
        var reasoningDurationMs: Int?, model: String?, finishReason: FinishReason?, inputTokens: Int?
        var outputTokens: Int?, cacheCreationTokens: Int?, cacheReadTokens: Int?, cost: Double?
        var latencyMs: Double?, toolCalls: [ToolCall]?, metadata: JSONObject?, item: JSONValue?
        var copiedFrom: SessionID?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "messageId" {
                messageID = try json.read()
            } else if key == "role" {
                role = try json.read()
            } else if key == "text" {
                text = try json.readIfPresent()
            } else if key == "reasoning" {
                reasoning = try json.readIfPresent()
            } else if key == "reasoningDurationMs" {
                reasoningDurationMs = try json.readIfPresent()
            } else if key == "model" {
                model = try json.readIfPresent()
            } else if key == "finishReason" {
                finishReason = try json.readIfPresent()
            } else if key == "inputTokens" {
                inputTokens = try json.readIfPresent()
            } else if key == "outputTokens" {
                outputTokens = try json.readIfPresent()
            } else if key == "cacheCreationTokens" {
                cacheCreationTokens = try json.readIfPresent()
            } else if key == "cacheReadTokens" {
                cacheReadTokens = try json.readIfPresent()
            } else if key == "cost" {
                cost = try json.readIfPresent()
            } else if key == "latencyMs" {
                latencyMs = try json.readIfPresent()
            } else if key == "toolCalls" {
                toolCalls = try json.read()
            } else if key == "metadata" {
                metadata = try json.readIfPresent()
            } else if key == "item" {
                item = try json.readIfPresent()
            } else if key == "copiedFrom" {
                copiedFrom = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            messageID: try JSONReader.required(messageID, "messageId"), role: try JSONReader.required(role, "role"),
            text: text, reasoning: reasoning, reasoningDurationMs: reasoningDurationMs, model: model,
            finishReason: finishReason, inputTokens: inputTokens, outputTokens: outputTokens,
            cacheCreationTokens: cacheCreationTokens, cacheReadTokens: cacheReadTokens, cost: cost,
            latencyMs: latencyMs, toolCalls: try JSONReader.required(toolCalls, "toolCalls"), metadata: metadata,
            item: item, copiedFrom: copiedFrom)
    }
}

extension ToolResultRecorded: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var toolCallID: ToolCallID?, messageID: MessageID?, result: String?, metadata: String?, isError: Bool?
        var screenshotURLs: [String]?, finished: Bool?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "toolCallId" {
                toolCallID = try json.read()
            } else if key == "messageId" {
                messageID = try json.read()
            } else if key == "result" {
                result = try json.read()
            } else if key == "metadata" {
                metadata = try json.readIfPresent()
            } else if key == "isError" {
                isError = try json.read()
            } else if key == "screenshotUrls" {
                screenshotURLs = try json.read()
            } else if key == "finished" {
                finished = try json.read()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            toolCallID: try JSONReader.required(toolCallID, "toolCallId"),
            messageID: try JSONReader.required(messageID, "messageId"),
            result: try JSONReader.required(result, "result"),
            metadata: metadata, isError: try JSONReader.required(isError, "isError"),
            screenshotURLs: try JSONReader.required(screenshotURLs, "screenshotUrls"),
            finished: try JSONReader.required(finished, "finished"))
    }
}

extension SessionCreated: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var sessionID: SessionID?, namespace: String?, origin: SessionOrigin?, title: String?
        var customSystemPrompt: String?, promptMode: PromptMode?, browserMode: BrowserMode?, cdpURL: String?
        var sessionType: SessionType?, subagentType: String?, parentSessionID: SessionID?
        var parentToolCallID: ToolCallID?, callbacks: [Callback]?, userID: String?, agentConfig: AgentConfig?
        var quotas: SessionQuotas?, userMemory: JSONObject?, metadata: JSONObject?, enableMemory: Bool?
        var expiresAt: Date?, forkedFrom: ForkOrigin?, appName: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "sessionId" {
                sessionID = try json.read()
            } else if key == "namespace" {
                namespace = try json.read()
            } else if key == "origin" {
                origin = try json.read()
            } else if key == "title" {
                title = try json.readIfPresent()
            } else if key == "customSystemPrompt" {
                customSystemPrompt = try json.readIfPresent()
            } else if key == "promptMode" {
                promptMode = try json.read()
            } else if key == "browserMode" {
                browserMode = try json.read()
            } else if key == "cdpUrl" {
                cdpURL = try json.readIfPresent()
            } else if key == "sessionType" {
                sessionType = try json.read()
            } else if key == "subagentType" {
                subagentType = try json.readIfPresent()
            } else if key == "parentSessionId" {
                parentSessionID = try json.readIfPresent()
            } else if key == "parentToolCallId" {
                parentToolCallID = try json.readIfPresent()
            } else if key == "callbacks" {
                callbacks = try json.read()
            } else if key == "userId" {
                userID = try json.readIfPresent()
            } else if key == "agentConfig" {
                agentConfig = try json.readIfPresent()
            } else if key == "quotas" {
                quotas = try json.readIfPresent()
            } else if key == "userMemory" {
                userMemory = try json.readIfPresent()
            } else if key == "metadata" {
                metadata = try json.readIfPresent()
            } else if key == "enableMemory" {
                enableMemory = try json.readIfPresent()
            } else if key == "expiresAt" {
                expiresAt = try json.readIfPresent()
            } else if key == "forkedFrom" {
                forkedFrom = try json.readIfPresent()
            } else if key == "appName" {
                appName = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            sessionID: try JSONReader.required(sessionID, "sessionId"),
            namespace: try JSONReader.required(namespace, "namespace"),
            origin: try JSONReader.required(origin, "origin"), title: title, customSystemPrompt: customSystemPrompt,
            promptMode: try JSONReader.required(promptMode, "promptMode"),
            browserMode: try JSONReader.required(browserMode, "browserMode"), cdpURL: cdpURL,
            sessionType: try JSONReader.required(sessionType, "sessionType"), subagentType: subagentType,
            parentSessionID: parentSessionID, parentToolCallID: parentToolCallID,
            callbacks: try JSONReader.required(callbacks, "callbacks"), userID: userID, agentConfig: agentConfig,
            quotas: quotas, userMemory: userMemory, metadata: metadata, enableMemory: enableMemory,
            expiresAt: expiresAt, forkedFrom: forkedFrom, appName: appName)
    }
}

extension SessionTitleChanged: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var title: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "title" { title = try json.read() } else { try json.skipValue() }
        }
        self.init(title: try JSONReader.required(title, "title"))
    }
}

extension CallbackResultRecorded: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var messageID: MessageID?, toolCallID: ToolCallID?, toolName: String?, callbackName: String?
        var callbackType: CallbackType?, stdout: String?, stderr: String?, exitCode: Int?, subagentID: SessionID?
        var subagentResult: String?, success: Bool?, error: String?, excludeFromContext: Bool?
        var subagentCost: Double?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "messageId" {
                messageID = try json.read()
            } else if key == "toolCallId" {
                toolCallID = try json.read()
            } else if key == "toolName" {
                toolName = try json.read()
            } else if key == "callbackName" {
                callbackName = try json.readIfPresent()
            } else if key == "callbackType" {
                callbackType = try json.read()
            } else if key == "stdout" {
                stdout = try json.readIfPresent()
            } else if key == "stderr" {
                stderr = try json.readIfPresent()
            } else if key == "exitCode" {
                exitCode = try json.readIfPresent()
            } else if key == "subagentId" {
                subagentID = try json.readIfPresent()
            } else if key == "subagentResult" {
                subagentResult = try json.readIfPresent()
            } else if key == "success" {
                success = try json.read()
            } else if key == "error" {
                error = try json.readIfPresent()
            } else if key == "excludeFromContext" {
                excludeFromContext = try json.read()
            } else if key == "subagentCost" {
                subagentCost = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            messageID: try JSONReader.required(messageID, "messageId"),
            toolCallID: try JSONReader.required(toolCallID, "toolCallId"),
            toolName: try JSONReader.required(toolName, "toolName"), callbackName: callbackName,
            callbackType: try JSONReader.required(callbackType, "callbackType"), stdout: stdout, stderr: stderr,
            exitCode: exitCode, subagentID: subagentID, subagentResult: subagentResult,
            success: try JSONReader.required(success, "success"), error: error,
            excludeFromContext: try JSONReader.required(excludeFromContext, "excludeFromContext"),
            subagentCost: subagentCost)
    }
}

extension CallbacksReplaced: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var callbacks: [Callback]?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "callbacks" { callbacks = try json.read() } else { try json.skipValue() }
        }
        self.init(callbacks: try JSONReader.required(callbacks, "callbacks"))
    }
}

extension UserMemoryUpdated: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var userMemory: JSONObject?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "userMemory" { userMemory = try json.read() } else { try json.skipValue() }
        }
        self.init(userMemory: try JSONReader.required(userMemory, "userMemory"))
    }
}

extension SessionRewound: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var toMessageID: MessageID?, removedMessageIDs: [MessageID]?, cleanupMedia: Bool?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "toMessageId" {
                toMessageID = try json.read()
            } else if key == "removedMessageIds" {
                removedMessageIDs = try json.read()
            } else if key == "cleanupMedia" {
                cleanupMedia = try json.read()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            toMessageID: try JSONReader.required(toMessageID, "toMessageId"),
            removedMessageIDs: try JSONReader.required(removedMessageIDs, "removedMessageIds"),
            cleanupMedia: try JSONReader.required(cleanupMedia, "cleanupMedia"))
    }
}

extension ProcessingStarted: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var messageID: MessageID?, planMode: Bool?, thinkingLevel: ThinkingLevel?, maxSteps: Int?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "messageId" {
                messageID = try json.readIfPresent()
            } else if key == "planMode" {
                planMode = try json.read()
            } else if key == "thinkingLevel" {
                thinkingLevel = try json.readIfPresent()
            } else if key == "maxSteps" {
                maxSteps = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            messageID: messageID, planMode: try JSONReader.required(planMode, "planMode"),
            thinkingLevel: thinkingLevel, maxSteps: maxSteps)
    }
}

extension ProcessingCancelled: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var reason: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "reason" { reason = try json.read() } else { try json.skipValue() }
        }
        self.init(reason: try JSONReader.required(reason, "reason"))
    }
}

extension ProcessingFinished: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var finishReason: FinishReason?, error: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "finishReason" {
                finishReason = try json.readIfPresent()
            } else if key == "error" {
                error = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(finishReason: finishReason, error: error)
    }
}

extension SessionArchived: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var reason: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "reason" { reason = try json.readIfPresent() } else { try json.skipValue() }
        }
        self.init(reason: reason)
    }
}

extension SessionTerminated: JSONReadable {
    /// Any value: the synthesized decoder of a struct without properties never looks at the body.
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        try json.skipValue()
        self.init()
    }
}

extension FileAdded: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var fileID: FileID?, name: String?, mediaType: String?, byteCount: Int?, sha256: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "fileId" {
                fileID = try json.read()
            } else if key == "name" {
                name = try json.read()
            } else if key == "mediaType" {
                mediaType = try json.readIfPresent()
            } else if key == "byteCount" {
                byteCount = try json.readIfPresent()
            } else if key == "sha256" {
                sha256 = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            fileID: try JSONReader.required(fileID, "fileId"), name: try JSONReader.required(name, "name"),
            mediaType: mediaType, byteCount: byteCount, sha256: sha256)
    }
}

extension FileRemoved: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var fileID: FileID?, reason: Reason?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "fileId" {
                fileID = try json.read()
            } else if key == "reason" {
                reason = try json.read()
            } else {
                try json.skipValue()
            }
        }
        self.init(fileID: try JSONReader.required(fileID, "fileId"), reason: try JSONReader.required(reason, "reason"))
    }
}

extension SessionDeleted: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var sessionID: SessionID?, namespace: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "sessionId" {
                sessionID = try json.read()
            } else if key == "namespace" {
                namespace = try json.read()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            sessionID: try JSONReader.required(sessionID, "sessionId"),
            namespace: try JSONReader.required(namespace, "namespace"))
    }
}

extension EventErased: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var erasedType: String?, erasedSchemaVersion: UInt16?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "erasedType" {
                erasedType = try json.read()
            } else if key == "erasedSchemaVersion" {
                erasedSchemaVersion = try json.read()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            erasedType: try JSONReader.required(erasedType, "erasedType"),
            erasedSchemaVersion: try JSONReader.required(erasedSchemaVersion, "erasedSchemaVersion"))
    }
}

extension SessionForked: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var forkSessionID: SessionID?, position: UInt64?, messageID: MessageID?, messageCount: Int?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "forkSessionId" {
                forkSessionID = try json.read()
            } else if key == "position" {
                position = try json.read()
            } else if key == "messageId" {
                messageID = try json.readIfPresent()
            } else if key == "messageCount" {
                messageCount = try json.read()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            forkSessionID: try JSONReader.required(forkSessionID, "forkSessionId"),
            position: try JSONReader.required(position, "position"), messageID: messageID,
            messageCount: try JSONReader.required(messageCount, "messageCount"))
    }
}

extension MessagesRemoved: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var removedMessageIDs: [MessageID]?, reason: MessageRemoval?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "removedMessageIds" {
                removedMessageIDs = try json.read()
            } else if key == "reason" {
                reason = try json.read()
            } else {
                try json.skipValue()
            }
        }
        self.init(
            removedMessageIDs: try JSONReader.required(removedMessageIDs, "removedMessageIds"),
            reason: try JSONReader.required(reason, "reason"))
    }
}

extension StateUpdated: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var delta: JSONObject?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "delta" { delta = try json.read() } else { try json.skipValue() }
        }
        self.init(delta: try JSONReader.required(delta, "delta"))
    }
}
