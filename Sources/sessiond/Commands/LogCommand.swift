import ArgumentParser

/// `sessiond log …`: operations on a whole log.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Operations on a whole log (moving it between stores).", subcommands: [LogCopyCommand.self])
}
