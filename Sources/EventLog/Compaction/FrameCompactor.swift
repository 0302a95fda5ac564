/// Compaction for a store that keeps frames somewhere other than segment files (the PostgreSQL store keeps one
/// per row): the very rewrite and sealing the segment files' compaction does, applied to one stored frame at a
/// time, in log order, each sealed behind the (possibly new) checksum of the frame before it.
///
/// Holds one zstd context: one compaction owns it.
public struct FrameCompactor {
    /// One frame after compaction.
    public struct Compacted: Sendable {
        /// The frame as it must now be stored: new bytes when a record changed, its dictionary is retired or the
        /// chain before it changed; otherwise the stored frame itself.
        public let frame: SealedFrame
        /// Whether ``frame`` differs from the stored bytes.
        public let changed: Bool
        /// Records the rewrite replaced, and their streams.
        public let recordsRewritten: Int
        public let streamsRewritten: Set<String>
    }

    private let rewriter: FrameRewriter
    private let dictionaries: LogDictionaries

    /// - Parameters:
    ///   - dictionaries: every dictionary a frame of the log names, installed.
    ///   - retiring: frames compressed with these dictionaries are compressed again without a dictionary.
    ///   - rewrite: as ``LogStore/compact(rewriting:)``: a replacement for a record, or `nil` to keep it.
    public init(
        dictionaries: LogDictionaries, compressionLevel: Int32, retiring: Set<UInt32> = [],
        rewrite: @escaping @Sendable (LogRecord) -> LogRecord?
    ) {
        self.dictionaries = dictionaries
        rewriter = FrameRewriter(
            compressor: ZstdCompressor(level: compressionLevel), dictionaries: dictionaries.store, rewrite: rewrite,
            retiring: retiring, replacement: nil)
    }

    /// Decodes `frame`, applies the rewrite, and seals it behind `chain`.
    /// - Parameter source: where the frame is stored, for error messages.
    /// - Throws: ``EventLogError/corruption(file:offset:reason:)``, ``EventLogError/missingDictionary(id:file:)``,
    ///   ``EventLogError/invalidCompaction(reason:)`` when a replacement moves a record.
    public func compact(_ frame: SealedFrame, chainedTo chain: UInt32, source: String) throws(EventLogError) -> Compacted {
        let outcome = try rewriter.apply(
            to: try frame.records(dictionaries: dictionaries, source: source), dictionaryID: frame.dictionaryID)
        let old = EncodedFrame(header: frame.header, payload: Array(frame.bytes[FrameHeader.size...]))
        let sealed = try rewriter.seal(old, records: outcome.records, changed: outcome.changed, chain: chain)
        guard outcome.changed || sealed.header.previousChecksum != frame.previousChecksum else {
            return Compacted(frame: frame, changed: false, recordsRewritten: 0, streamsRewritten: [])
        }
        return Compacted(
            frame: sealed.sealed, changed: true,
            recordsRewritten: outcome.recordsRewritten, streamsRewritten: outcome.streamsRewritten)
    }
}
