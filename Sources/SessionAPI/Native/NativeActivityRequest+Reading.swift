import Sessions

// The native append bodies read field by field with the event codec's reader instead of `JSONDecoder`: the same
// fields, optional where the `Decodable` conformances make them optional (decision 0117). An unknown key is
// remembered and refuses the activity (decision 0163): a misspelt `text` must not append a message without one.

extension NativeActivityRequest.ToolCallData: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var call = Self()
        try json.readObject { json, key throws(JSONReadError) in
            if key == "id" {
                call.id = try json.readIfPresent()
            } else if key == "name" {
                call.name = try json.readIfPresent()
            } else if key == "input" {
                call.input = try json.readIfPresent()
            } else if key == "type" {
                call.type = try json.readIfPresent()
            } else {
                call.unknownKey = min(call.unknownKey ?? key.text, key.text)
                try json.skipValue()
            }
        }
        self = call
    }
}

extension NativeActivityRequest: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var activity = Self()
        try json.readObject { json, key throws(JSONReadError) in try activity.read(key, from: &json) }
        self = activity
    }

    /// Reads the value of `key` into its field, or skips it.
    private mutating func read(_ key: JSONKey, from json: inout JSONReader) throws(JSONReadError) {
        if key == "type" {
            type = try json.readIfPresent()
        } else if key == "messageId" {
            messageId = try json.readIfPresent()
        } else if key == "role" {
            role = try json.readIfPresent()
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
            toolCalls = try json.readIfPresent()
        } else if key == "metadata" {
            metadata = try json.readIfPresent()
        } else if key == "item" {
            item = try json.readIfPresent()
        } else if key == "delta" {
            delta = try json.readIfPresent()
        } else if key == "beforeMessageId" {
            beforeMessageId = try json.readIfPresent()
        } else if key == "toolCallId" {
            toolCallId = try json.readIfPresent()
        } else if key == "result" {
            result = try json.readIfPresent()
        } else if key == "isError" {
            isError = try json.readIfPresent()
        } else if key == "screenshotUrls" {
            screenshotUrls = try json.readIfPresent()
        } else if key == "finished" {
            finished = try json.readIfPresent()
        } else if key == "toolName" {
            toolName = try json.readIfPresent()
        } else if key == "callbackName" {
            callbackName = try json.readIfPresent()
        } else if key == "callbackType" {
            callbackType = try json.readIfPresent()
        } else if key == "stdout" {
            stdout = try json.readIfPresent()
        } else if key == "stderr" {
            stderr = try json.readIfPresent()
        } else if key == "exitCode" {
            exitCode = try json.readIfPresent()
        } else if key == "subagentId" {
            subagentId = try json.readIfPresent()
        } else if key == "subagentResult" {
            subagentResult = try json.readIfPresent()
        } else if key == "success" {
            success = try json.readIfPresent()
        } else if key == "error" {
            error = try json.readIfPresent()
        } else if key == "excludeFromContext" {
            excludeFromContext = try json.readIfPresent()
        } else if key == "subagentCost" {
            subagentCost = try json.readIfPresent()
        } else {
            unknownKey = min(unknownKey ?? key.text, key.text)
            try json.skipValue()
        }
    }
}

extension NativeActivityBatchRequest: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        self.init(items: try json.readOnlyField("items"))
    }
}

extension NativeAppendsRequest: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        self.init(appends: try json.readOnlyField("appends"))
    }
}

extension JSONReader {
    /// Reads an object's required key `name`, skipping the others (the route refuses them before).
    fileprivate mutating func readOnlyField<T: JSONReadable>(_ name: StaticString) throws(JSONReadError) -> T {
        var value: T?
        try readObject { json, key throws(JSONReadError) in
            if key == name { value = try json.read() } else { try json.skipValue() }
        }
        return try JSONReader.required(value, "\(name)")
    }
}

extension NativeAppendsRequest.Append: JSONReadable {
    package init(reading json: inout JSONReader) throws(JSONReadError) {
        var sessionId: String?, items: [NativeActivityRequest]?, expectedVersion: UInt64?, idempotencyKey: String?
        var unknownKey: String?
        try json.readObject { json, key throws(JSONReadError) in
            if key == "sessionId" {
                sessionId = try json.read()
            } else if key == "items" {
                items = try json.read()
            } else if key == "expectedVersion" {
                expectedVersion = try json.readIfPresent()
            } else if key == "idempotencyKey" {
                idempotencyKey = try json.readIfPresent()
            } else {
                unknownKey = min(unknownKey ?? key.text, key.text)
                try json.skipValue()
            }
        }
        self.init(
            sessionId: try JSONReader.required(sessionId, "sessionId"), items: try JSONReader.required(items, "items"),
            expectedVersion: expectedVersion, idempotencyKey: idempotencyKey, unknownKey: unknownKey)
    }
}
