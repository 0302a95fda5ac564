import Foundation

extension Session {
    /// Decides several commands for one session as one unit, for a single append: all of them or none.
    ///
    /// Each command is decided on the state the events of the commands before it lead to (their versions
    /// counted on from `state.version`, all at the context's time), so a tool result may answer a tool call
    /// made earlier in the same batch. A validation error names the failing item: `items[2].role`.
    /// - Parameters:
    ///   - commands: At least one command, all for the same session.
    ///   - state: The session's current state; the caller appends expecting exactly `state.version`.
    ///   - context: The clock and the id generator, shared by every command.
    /// - Returns: The events of every command, in order.
    /// - Throws: ``SessionError``: the first command's failure, or a validation error for an empty batch or
    ///   one that mixes sessions.
    public static func decide(
        batch commands: [SessionCommand],
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        guard let first = commands.first else {
            throw .validation(field: "items", message: "items must hold at least one activity")
        }
        var state = state
        var events: [SessionEvent] = []
        for (index, command) in commands.enumerated() {
            guard command.sessionID == first.sessionID else {
                throw .validation(field: "items[\(index)]", message: "every item must be for the same session")
            }
            let decided: [SessionEvent]
            do {
                decided = try decide(command, state: state, context: context)
            } catch .validation(let field, let message) {
                throw .validation(field: "items[\(index)].\(field)", message: message)
            }
            events += decided
            // Only a later command needs the state this one leads to. Folding into the copy copies the whole
            // transcript (the caller still holds it), so the last command, and a batch of one, skip it.
            guard index < commands.count - 1 else { break }
            for event in decided { state.apply(event, version: state.version + 1, recordedAt: context.now) }
        }
        return events
    }
}
