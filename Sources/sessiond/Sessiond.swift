import ArgumentParser

/// The `sessiond` command: the daemon and its maintenance tools.
@main
struct Sessiond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessiond",
        abstract: "An event-sourced session store for AI agents.",
        discussion: """
            Every session change is an event in a zstd-compressed, checksummed log under the data \
            directory; everything clients read is rebuilt from that log.
            """,
        subcommands: [
            Serve.self, RebuildCommand.self, Verify.self, Export.self, Events.self, Compact.self, LogCommand.self, Keys.self,
        ],
        defaultSubcommand: Serve.self
    )
}
