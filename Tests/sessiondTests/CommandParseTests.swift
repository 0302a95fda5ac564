import ArgumentParser
import EventLog
import Foundation
import Projections
import Testing

@testable import sessiond

/// Parses `arguments` as a `sessiond` command line and returns the subcommand, which must be a `T`.
private func parse<T: ParsableCommand>(_ arguments: [String], as _: T.Type = T.self) throws -> T {
    let command = try Sessiond.parseAsRoot(arguments)
    guard let typed = command as? T else {
        Issue.record("\(arguments) parsed as \(type(of: command)), not \(T.self)")
        throw CancellationError()
    }
    return typed
}

/// The message `sessiond` prints for a command line that fails to parse; fails the test when it parses.
private func parseError(_ arguments: [String]) -> String? {
    do {
        let command = try Sessiond.parseAsRoot(arguments)
        Issue.record("\(arguments) parsed as \(type(of: command)) but must be refused")
        return nil
    } catch {
        #expect(Sessiond.exitCode(for: error) != .success, "\(arguments): \(error)")
        return Sessiond.message(for: error)
    }
}

@Suite struct CommandParseTests {
    @Test func logCopyTakesASourceAndADifferentTarget() throws {
        let copy = try parse(["log", "copy", "--from", "./data", "--to", "postgres://u@h/db"], as: LogCopyCommand.self)
        #expect(copy.from == "./data" && copy.to == "postgres://u@h/db")
        #expect(copy.durability == .fsync)
        #expect(parseError(["log", "copy", "--from", "./data", "--to", "./data"])?.contains("the same log") == true)
        #expect(parseError(["log", "copy", "--from", "./data"])?.contains("--to") == true)
        let apart = try parse(["log", "copy", "--from", "./log", "--from-data", "./data", "--to", "./copy"], as: LogCopyCommand.self)
        #expect(apart.fromData == "./data" && apart.toData == nil)
        #expect(
            parseError(["log", "copy", "--from", "postgres://u@h/db", "--from-data", "./data", "--to", "./copy"])?
                .contains("--from-data is for a directory source") == true)
        #expect(
            parseError(["log", "copy", "--from", "./log", "--to", "postgres://u@h/db", "--to-data", "./data"])?
                .contains("--to-data is for a directory target") == true)
    }

    @Test func noSubcommandServes() throws {
        let serve = try parse([], as: Serve.self)
        #expect(serve.log.dataDirectory == "./data")
        #expect(serve.port == 8088)
    }

    @Test func rebuildDefaultsToTheDataDirectoryWithFsync() throws {
        let rebuild = try parse(["rebuild"], as: RebuildCommand.self)
        #expect(rebuild.log.dataDirectory == "./data")
        #expect(rebuild.log.durability == .fsync)
    }

    @Test func rebuildTakesADataDirectoryAndDurability() throws {
        let rebuild = try parse(["rebuild", "--data", "/srv/sessiond", "--durability", "none"], as: RebuildCommand.self)
        #expect(rebuild.log.dataDirectory == "/srv/sessiond")
        #expect(rebuild.log.durability == EventLog.Durability.none)
    }

    @Test func rebuildRefusesAnUnknownDurabilityAndStrayArguments() throws {
        let durability = try #require(parseError(["rebuild", "--durability", "sometimes"]))
        #expect(durability.contains("sometimes"))
        let stray = try #require(parseError(["rebuild", "extra"]))
        #expect(stray.contains("extra"))
        #expect(parseError(["rebuild", "--data"]) != nil)
    }

    @Test func everyLogCommandTakesALogLocation() throws {
        let url = "postgres://sessiond@db:5432/sessiond"
        #expect(try parse(["serve", "--log", url], as: Serve.self).log.location == .postgres(url: url))
        #expect(try parse(["rebuild", "--log", url], as: RebuildCommand.self).log.location == .postgres(url: url))
        #expect(try parse(["verify", "--log", url, "--data", "d"], as: Verify.self).log.location == .postgres(url: url))
        #expect(try parse(["export", "s", "--log", url], as: Export.self).log.location == .postgres(url: url))
        #expect(try parse(["events", "s", "--log", "/srv/log"], as: Events.self).log.location == .directory("/srv/log"))
        // Without --log the log is the data directory, as before.
        #expect(try parse(["serve", "--data", "/srv/d"], as: Serve.self).log.location == .directory("/srv/d"))
        #expect(parseError(["serve", "--log", ""]) != nil)
    }

    @Test func verifyDefaultsAndOptions() throws {
        let defaults = try parse(["verify"], as: Verify.self)
        #expect(defaults.log.dataDirectory == "./data")
        #expect(defaults.log.durability == .fsync)
        let custom = try parse(["verify", "--data", "d"], as: Verify.self)
        #expect(custom.log.dataDirectory == "d")
        #expect(parseError(["verify", "--position", "3"]) != nil)
    }

    /// `serve` rebuilds a missing, damaged or older projection at start but refuses a newer one: `verify` says which.
    @Test func verifyTellsANewerSchemaFromOneRebuiltOnStart() {
        let message = Verify.newerSchema("d/projection.sqlite", found: 13, supported: 12)
        #expect(message.contains("schema version 13") && message.contains("refuses"))
        #expect(!message.contains("rebuilt on the next start"))
    }

    @Test func exportDefaultsToLatestJSON() throws {
        let export = try parse(["export", "s-1"], as: Export.self)
        #expect(export.session == "s-1")
        #expect(export.format == .json)
        #expect(export.at == nil && export.position == nil && export.version == nil)
        #expect(export.log.dataDirectory == "./data")
    }

    @Test func exportTakesOnePointAndAFormat() throws {
        let byPosition = try parse(["export", "s", "--position", "42", "--format", "markdown"], as: Export.self)
        #expect(byPosition.position == 42)
        #expect(byPosition.format == .markdown)
        #expect(try parse(["export", "s", "--version", "7"], as: Export.self).version == 7)
        #expect(try parse(["export", "s", "--at", "2026-01-08T10:00:00Z"], as: Export.self).at == "2026-01-08T10:00:00Z")
    }

    @Test func exportRefusesBadInput() throws {
        #expect(parseError(["export"]) != nil, "the session id is required")
        let two = try #require(parseError(["export", "s", "--position", "1", "--version", "2"]))
        #expect(two.contains("at most one"))
        let time = try #require(parseError(["export", "s", "--at", "yesterday"]))
        #expect(time.contains("yesterday"))
        let format = try #require(parseError(["export", "s", "--format", "pdf"]))
        #expect(format.contains("pdf"))
        #expect(parseError(["export", "s", "--position", "-1"]) != nil)
        #expect(parseError(["export", "s", "--version", "x"]) != nil)
    }

    /// The CLI's `--at` reads times as the HTTP `at` and `since` parameters do (``AsOf/time(_:)``).
    @Test func exportTimesAreRFC3339OrUnixSeconds() throws {
        #expect(AsOf.time("2026-01-08T10:00:00Z") == Date(timeIntervalSince1970: 1_767_866_400))
        #expect(AsOf.time("2026-01-08T10:00:00.250Z") == Date(timeIntervalSince1970: 1_767_866_400.25))
        #expect(AsOf.time("2026-01-08T11:00:00+01:00") == Date(timeIntervalSince1970: 1_767_866_400))
        #expect(AsOf.time("1767866400.5") == Date(timeIntervalSince1970: 1_767_866_400.5))
        #expect(AsOf.time("2026-01-08") == nil)
        #expect(AsOf.time("") == nil)
        #expect(AsOf.time("inf") == nil && AsOf.time("nan") == nil)
        // Plain decimals only, and only the years RFC 3339 can write: past them `Timestamp.micros` used to trap.
        for text in ["1e13", "-1e13", "1e300", "0x10", "+5", ".5", "5.", " 12", "12 ", "--1", "253402300800"] {
            #expect(AsOf.time(text) == nil, "\(text)")
        }
        // The whole text, RFC 3339's shape and ranges: Foundation's parser alone took a prefix.
        for text in [
            "2026-01-08T10:00:00Zjunk", "2026-01-08T24:00:00Z", "2026-01-08T10:00:00GMT", "2026-01-08T10:00:00",
            "2026-01-08T10:60:00Z", "2026-13-08T10:00:00Z", "2026-01-08T10:00:00.Z", "2026-01-08T10:00:00+0100",
            " 2026-01-08T10:00:00Z",
        ] {
            #expect(AsOf.time(text) == nil, "\(text)")
        }
        #expect(AsOf.time("2026-01-08t10:00:00z") == Date(timeIntervalSince1970: 1_767_866_400))
        // Past the microsecond the fraction is cut, never rounded up past the time the text names.
        #expect(AsOf.time("2026-01-08T10:00:00.0000009Z") == Date(timeIntervalSince1970: 1_767_866_400))
        #expect(AsOf.time("2026-01-08T10:00:00.123456789Z") == AsOf.time("2026-01-08T10:00:00.123456Z"))
        #expect(AsOf.time("-5") == Date(timeIntervalSince1970: -5))
        #expect(AsOf.time("253402300799") == Date(timeIntervalSince1970: 253_402_300_799))
        #expect(parseError(["export", "s", "--at", "yesterday"]) != nil)
        #expect(try parse(["export", "s", "--at", "1767866400"], as: Export.self).at == "1767866400")
    }

    @Test func eventsPrintsTextUnlessAskedForJSON() throws {
        let text = try parse(["events", "s-1"], as: Events.self)
        #expect(text.session == "s-1")
        #expect(!text.json)
        #expect(try parse(["events", "s-1", "--json", "--data", "x"], as: Events.self).json)
        #expect(parseError(["events"]) != nil, "the session id is required")
        #expect(parseError(["events", "s", "--format", "json"]) != nil)
    }

    @Test func keysTakeOnlyAPostgresLogToExchangeWith() throws {
        let create = try parse(["keys", "create", "--namespace", "a", "--log", "postgres://u@h:5432/d"], as: Keys.Create.self)
        #expect(create.data.sharedLog == "postgres://u@h:5432/d" && create.data.dataDirectory == "./data")
        #expect(try parse(["keys", "revoke", "key_1"], as: Keys.Revoke.self).data.sharedLog == nil)
        #expect(parseError(["keys", "revoke", "key_1", "--log", "/srv/log"])?.contains("must be a postgres:// URL") == true)
    }

    @Test func compactRunsUnlessAskedForADryRun() throws {
        let compact = try parse(["compact", "--data", "/srv/sessiond"], as: Compact.self)
        #expect(!compact.dryRun && compact.log.dataDirectory == "/srv/sessiond")
        #expect(try parse(["compact", "--dry-run"], as: Compact.self).dryRun)
        #expect(parseError(["compact", "s-1"]) != nil)
        // The blob grace period: unset means the store's default (0 on a file log, 600 s on a shared one).
        #expect(try parse(["compact"], as: Compact.self).blobGrace == nil)
        #expect(try parse(["compact", "--blob-grace", "30"], as: Compact.self).blobGrace == 30)
        #expect(parseError(["compact", "--blob-grace=-1"])?.contains("must not be negative") == true)
        let help = Sessiond.helpMessage(for: Compact.self)
        for text in ["--dry-run", "--data", "event.erased", "--compact-interval"] { #expect(help.contains(text)) }
    }

    @Test func serveCompactsHourlyUnlessTold() throws {
        let defaults = try parse(["serve"], as: Serve.self)
        #expect(defaults.compactInterval == 3600 && defaults.compactBlobGrace == 600)
        let off = try parse(["serve", "--compact-interval", "0", "--compact-blob-grace", "0"], as: Serve.self)
        #expect(off.compactInterval == 0 && off.compactBlobGrace == 0)
        let negative = try #require(parseError(["serve", "--compact-interval=-5"]))
        #expect(negative.contains("--compact-interval"))
        #expect(parseError(["serve", "--compact-blob-grace=-1"]) != nil)
    }

    @Test func serveGivesEveryBody120SecondsToArriveUnlessTold() throws {
        #expect(try parse(["serve"], as: Serve.self).bodyReadTimeout == 120)
        #expect(try parse(["serve", "--body-read-timeout", "0.5"], as: Serve.self).bodyReadTimeout == 0.5)
        #expect(try #require(parseError(["serve", "--body-read-timeout", "0"])).contains("--body-read-timeout"))
        #expect(parseError(["serve", "--body-read-timeout", "86401"]) != nil)
        // One deadline for every body: the upload's own option is gone.
        #expect(parseError(["serve", "--upload-read-timeout", "5"]) != nil)
    }

    @Test func serveKeeps16MiBOfSessionStatesUnlessTold() throws {
        #expect(try parse(["serve"], as: Serve.self).stateCacheMiB == 16)
        #expect(try parse(["serve", "--state-cache-mib", "256"], as: Serve.self).stateCacheMiB == 256)
        #expect(try #require(parseError(["serve", "--state-cache-mib", "0"])).contains("--state-cache-mib"))
        #expect(parseError(["serve", "--state-cache-mib", "lots"]) != nil)
    }

    @Test func serveKeeps32MiBOfExportsUnlessTold() throws {
        #expect(try parse(["serve"], as: Serve.self).exportCacheMiB == 32)
        #expect(try parse(["serve", "--export-cache-mib", "0"], as: Serve.self).exportCacheMiB == 0)
        #expect(try #require(parseError(["serve", "--export-cache-mib", "2000000"])).contains("--export-cache-mib"))
    }

    @Test func helpNamesEveryCommandAndOption() {
        let root = Sessiond.helpMessage()
        for name in ["serve", "rebuild", "verify", "export", "events", "compact"] { #expect(root.contains(name)) }
        let export = Sessiond.helpMessage(for: Export.self)
        for option in ["--at", "--position", "--version", "--format", "--data", "--durability"] {
            #expect(export.contains(option))
        }
        #expect(Sessiond.helpMessage(for: Verify.self).contains("--data"))
    }
}
