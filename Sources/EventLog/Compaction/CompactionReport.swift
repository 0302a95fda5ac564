import Logging

/// What one ``LogStore/compact(rewriting:)`` did.
public struct CompactionReport: Sendable, Equatable {
    /// Sealed segments read.
    public var segmentsScanned = 0
    /// Segments written anew and renamed over the old ones.
    public var segmentsRewritten = 0
    /// Records the rewrite replaced.
    public var recordsRewritten = 0
    /// The streams those records belong to.
    public var streamsRewritten: Set<String> = []
    /// Dictionaries retired because their training samples held bytes of a rewritten stream.
    public var dictionariesRetired: [UInt32] = []
    /// The dictionary trained from the remaining records to replace them, if any.
    public var dictionaryInstalled: UInt32?
    /// Frames read and frames stored anew, by a store that keeps frames one by one (PostgreSQL).
    public var framesScanned = 0
    public var framesRewritten = 0
    /// The PostgreSQL transaction that rewrote the frames, if one did.
    public var transactionID: Int64?
    /// How long the store took to drop the old bytes from its files (PostgreSQL's `VACUUM FULL`).
    public var tableRewriteDuration: Duration?
    /// Sizes of the rewritten segments (or frames) before and after.
    public var bytesBefore: UInt64 = 0
    public var bytesAfter: UInt64 = 0

    public init() {}

    /// What an operator reads in the "log compacted" line (counts and sizes, never content).
    public var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "log.records": "\(recordsRewritten)", "log.bytes_before": "\(bytesBefore)", "log.bytes_after": "\(bytesAfter)",
            "log.dictionaries_retired": "\(dictionariesRetired)",
        ]
        if segmentsScanned > 0 { metadata["log.segments_rewritten"] = "\(segmentsRewritten)" }
        if framesScanned > 0 { metadata["log.frames_rewritten"] = "\(framesRewritten)" }
        if let tableRewriteDuration { metadata["log.vacuum_full"] = "\(tableRewriteDuration)" }
        return metadata
    }
}
