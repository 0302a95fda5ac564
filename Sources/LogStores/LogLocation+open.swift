import EventLog
import Foundation
import PostgresLog

extension LogLocation {
    /// Opens the log at this location behind the one contract: segment files in a directory (created if missing;
    /// opening recovers the newest segment's tail), or a PostgreSQL database (its schema created or migrated).
    /// Every caller — the daemon, the maintenance commands, the tests — opens a log here, so nothing above the log
    /// knows which store it got. With ``EventLog/EventLog/Configuration/isReadOnly`` neither store is changed: the
    /// directory must exist and its tail is left as it is; the database's schema must be this build's and is
    /// neither created nor migrated.
    /// - Parameter configuration: the file store's settings; the PostgreSQL store takes the ones they share
    ///   (durability, compression, frame size, dictionaries, clock, logger, read-only).
    /// - Throws: ``EventLog/EventLogError`` when the directory cannot be opened (locked, corrupt),
    ///   ``PostgresLog/PostgresLogError`` when the database cannot (bad URL, unreachable, newer schema; read-only,
    ///   no schema or an older one).
    public func open(configuration: EventLog.Configuration = EventLog.Configuration()) async throws -> any LogStore {
        switch self {
        case .directory(let path):
            if !configuration.isReadOnly {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            }
            return try EventLog(directory: path, configuration: configuration)
        case .postgres(let url):
            return try await PostgresLogStore.open(url: url, configuration: PostgresLogStore.Configuration(configuration))
        }
    }
}
