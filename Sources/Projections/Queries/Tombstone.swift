import EventLog

/// A session's latest tombstone (`session.deleted`) as the projection applied it.
///
/// Every record of the stream up to it belongs to a deleted incarnation of the session: withheld from every read
/// and erased by compaction. Records after it, if any, belong to the session created again under the same id
/// since (decision 0177), a session like any other.
public struct Tombstone: Sendable, Hashable {
    /// The tombstone's stream version.
    public var version: UInt64
    /// The tombstone's log position.
    public var position: LogPosition

    /// Creates a tombstone from its version and position.
    public init(version: UInt64, position: LogPosition) {
        self.version = version
        self.position = position
    }
}
