/// What the writer's cache of session states saves, for `/metrics` (decision 0162).
///
/// A session written while its state is not cached is folded from its whole stream (decision 0119). A few such
/// loads are each session's first write since start; a steady rate of folded events means the cache is smaller than
/// the sessions written at once, and every write pays for its session's length (`serve --state-cache-mib`).
public struct WriterStatistics: Sendable, Equatable {
    /// Writes whose session state was read from the log: each session's first since start, and any after its state
    /// was evicted, or dropped by a failed write. A fork's fold of its source is not counted.
    public var stateLoads: UInt64 = 0
    /// The events those reads folded (each session's version when it was read).
    public var foldedEvents: UInt64 = 0

    /// Counts of loads and folded events (none by default).
    public init(stateLoads: UInt64 = 0, foldedEvents: UInt64 = 0) {
        self.stateLoads = stateLoads
        self.foldedEvents = foldedEvents
    }
}
