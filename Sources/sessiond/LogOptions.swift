import ArgumentParser
import EventLog
import Logging

/// Options every subcommand that opens the log shares.
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("The data directory (created if missing).", valueName: "dir"))
    var dataDirectory = "./data"

    @Option(
        help: ArgumentHelp(
            "fsync: an append returns once its frame is on disk. none: no sync (tests and benchmarks only).",
            valueName: "fsync|none"))
    var durability: EventLog.Durability = .fsync

    func configuration(logger: Logger) -> EventLog.Configuration {
        var configuration = EventLog.Configuration(durability: durability)
        configuration.logger = logger
        return configuration
    }
}

extension EventLog.Durability: ExpressibleByArgument {}
