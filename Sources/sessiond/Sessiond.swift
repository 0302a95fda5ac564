import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Every file and directory sessiond creates is its user's alone (0600, 0700): the log, the projections and the
    /// blobs hold whole conversations, and API keys guard nothing if another local user can read the files (decision
    /// 0176). The process mask covers what the libraries create too (SQLite's database, WAL and shared memory).
    static func main() async {
        umask(0o077)
        await main(nil)
    }
}
