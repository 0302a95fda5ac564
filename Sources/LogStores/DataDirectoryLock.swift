import EventLog
import Foundation

extension LogLocation {
    /// Takes `dataDirectory`'s lock for a node or command that keeps its projection database there, when this log
    /// does not take it itself: one process per data directory, whichever store the log is in. A file log in the
    /// data directory locks it when it opens (`nil` here); a log elsewhere — PostgreSQL, another directory — does
    /// not, and without this a second daemon, or `rebuild` or `verify`, could work on a serving node's projection.
    /// - Parameter dataDirectory: The data directory, which must exist.
    /// - Returns: The lock, held until released or the process ends; `nil` when the log takes it.
    /// - Throws: ``EventLog/EventLogError/directoryLocked(path:)`` when another process holds it.
    public func lockDataDirectory(_ dataDirectory: String) throws -> DirectoryLock? {
        if case .directory(let path) = self, Self.sameDirectory(path, dataDirectory) { return nil }
        return try DirectoryLock.acquire(directory: dataDirectory)
    }

    private static func sameDirectory(_ one: String, _ other: String) -> Bool {
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolved(one) == resolved(other)
    }
}
