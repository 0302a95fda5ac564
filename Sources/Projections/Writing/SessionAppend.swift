import Sessions

/// One session's commands in a ``SessionWriter/execute(appends:)`` call: decided together and appended as one
/// all-or-nothing append, as ``SessionWriter/execute(batch:on:options:)`` does for one session.
public struct SessionAppend: Sendable {
    public var session: SessionID
    public var commands: [SessionCommand]
    public var options: WriteOptions

    public init(session: SessionID, commands: [SessionCommand], options: WriteOptions = WriteOptions()) {
        self.session = session
        self.commands = commands
        self.options = options
    }
}
