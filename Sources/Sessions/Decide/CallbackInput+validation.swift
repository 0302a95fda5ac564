extension CallbackInput {
    /// Validates a list of callbacks as Mix `CallbackConfig.Validate` does; the first invalid one aborts.
    ///
    /// - Returns: The callbacks as stored: empty strings, `false` and `0` become `nil` (Go `omitempty`).
    /// - Throws: ``SessionError/validation(field:message:)`` with field `callbacks` and message
    ///   `callbacks[<i>]: <reason>`.
    static func validated(_ inputs: [CallbackInput]) throws(SessionError) -> [Callback] {
        var callbacks: [Callback] = []
        callbacks.reserveCapacity(inputs.count)
        for (index, input) in inputs.enumerated() {
            do throws(CallbackInput.Failure) {
                callbacks.append(try input.validated())
            } catch {
                throw .validation(field: "callbacks", message: "callbacks[\(index)]: \(error.reason)")
            }
        }
        return callbacks
    }

    /// Why one callback is invalid, in Mix's words.
    struct Failure: Error {
        var reason: String
    }

    private func validated() throws(Failure) -> Callback {
        guard let toolName = Session.nonEmpty(toolName) else {
            throw Failure(reason: "missing required field 'toolName'")
        }
        guard let rawType = Session.nonEmpty(type) else { throw Failure(reason: "missing required field 'type'") }
        guard let type = CallbackType(rawValue: rawType) else {
            throw Failure(reason: "type must be 'bash_script', 'sub_agent', or 'send_message', got '\(rawType)'")
        }
        switch type {
        case .bashScript where Session.nonEmpty(bashCommand) == nil:
            throw Failure(reason: "bash_script type requires 'bashCommand' field")
        case .subAgent where Session.nonEmpty(subAgentPrompt) == nil:
            throw Failure(reason: "sub_agent type requires 'subAgentPrompt' field")
        case .sendMessage where Session.nonEmpty(messageContent) == nil:
            throw Failure(reason: "send_message type requires 'messageContent' field")
        case .sendMessage where excludeFromContext == true:
            throw Failure(reason: "send_message callbacks cannot be excluded from context")
        default:
            break
        }
        return Callback(
            name: Session.nonEmpty(name),
            toolName: toolName,
            type: type,
            bashCommand: Session.nonEmpty(bashCommand),
            bashTimeout: bashTimeout == 0 ? nil : bashTimeout,
            subAgentPrompt: Session.nonEmpty(subAgentPrompt),
            subAgentType: Session.nonEmpty(subAgentType),
            includeFullHistory: includeFullHistory == true ? true : nil,
            messageContent: Session.nonEmpty(messageContent),
            excludeFromContext: excludeFromContext == true ? true : nil
        )
    }
}
