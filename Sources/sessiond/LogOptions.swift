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

    @Option(
        name: .customLong("segment-size"),
        help: ArgumentHelp(
            "Bytes after which the log seals a segment and starts a new one (default 64 MiB; tests use small sizes).",
            valueName: "bytes"))
    var segmentSize: UInt64 = EventLog.Configuration().segmentSize

    func validate() throws {
        guard segmentSize >= 4096 else { throw ValidationError("--segment-size must be at least 4096 bytes") }
    }

    func configuration(logger: Logger) -> EventLog.Configuration {
        var configuration = EventLog.Configuration(durability: durability)
        configuration.segmentSize = segmentSize
        configuration.logger = logger
        return configuration
    }
}

extension EventLog.Durability: ExpressibleByArgument {}
