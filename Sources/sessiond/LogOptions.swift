import ArgumentParser
import EventLog
import Logging

/// Options every subcommand that opens the log shares.
struct LogOptions: ParsableArguments {
    @Option(
        name: .customLong("data"),
        help: ArgumentHelp(
            "The data directory: the projection database, the API keys and, without --log, the log. serve creates it "
                + "if missing; the other commands refuse a missing one when it would hold the log.",
            valueName: "dir"))
    var dataDirectory = "./data"

    @Option(
        name: .customLong("log"),
        help: ArgumentHelp(
            "Where the log lives, if not in --data: another directory, or postgres://USER[:PASSWORD]@HOST[:PORT]/DB"
                + "[?sslmode=disable|prefer|require|verify-ca|verify-full] for one log shared by several nodes (docs/scaling.md). "
                + "serve creates a directory that is missing; the other commands refuse one.",
            valueName: "dir|url"))
    var logLocation: String?

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

    /// The log's location: `--log`, or the data directory.
    var location: LogLocation { logLocation.map { LogLocation($0) } ?? .directory(dataDirectory) }

    func validate() throws {
        if let logLocation, logLocation.isEmpty { throw ValidationError("--log must not be empty") }
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
