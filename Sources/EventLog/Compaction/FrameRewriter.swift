/// Compaction of one frame, the same for every store: applies the caller's rewrite to its records (checking each
/// replacement keeps what places the record), and seals the frame again — encoded and compressed anew when a
/// record changed or its dictionary is retired, otherwise the same payload only re-chained.
struct FrameRewriter {
    let compressor: ZstdCompressor
    let dictionaries: DictionaryStore
    let rewrite: @Sendable (LogRecord) -> LogRecord?
    /// Frames compressed with these dictionaries are compressed again with ``replacement`` (none when `nil`).
    let retiring: Set<UInt32>
    let replacement: ZstdDictionary?

    /// One frame's records after the rewrite.
    struct Outcome {
        var records: [LogRecord]
        var changed: Bool
        var recordsRewritten = 0
        var streamsRewritten: Set<String> = []
    }

    /// Applies the rewrite to a frame's decoded records.
    func apply(to records: [LogRecord], dictionaryID: UInt32) throws(EventLogError) -> Outcome {
        var outcome = Outcome(records: records, changed: retiring.contains(dictionaryID))
        for i in records.indices {
            guard let replaced = rewrite(records[i]) else { continue }
            try Self.check(replaced, replaces: records[i])
            outcome.records[i] = replaced
            outcome.recordsRewritten += 1
            outcome.streamsRewritten.insert(replaced.stream)
            outcome.changed = true
        }
        return outcome
    }

    /// The frame sealed behind `chain`: encoded and compressed again when `changed`, else only re-chained.
    func seal(_ old: EncodedFrame, records: [LogRecord], changed: Bool, chain: UInt32) throws(EventLogError)
        -> EncodedFrame
    {
        guard changed else { return old.header.previousChecksum == chain ? old : old.rechained(to: chain) }
        var raw = ByteWriter(capacity: Int(old.header.rawLength))
        for record in records { RecordCodec.encode(record, into: &raw) }
        let dictionaryID = old.header.dictionaryID
        let dictionary = retiring.contains(dictionaryID) ? replacement : dictionaries.dictionary(id: dictionaryID)
        return try EncodedFrame.compressing(
            raw.bytes, firstPosition: old.header.firstPosition, recordCount: old.header.recordCount,
            compressor: compressor, dictionary: dictionary, previousChecksum: chain,
            flags: old.header.flags & FrameHeader.startsWriteFlag)
    }

    /// A replacement may change type, schema, metadata and body, never what places the record.
    static func check(_ replaced: LogRecord, replaces original: LogRecord) throws(EventLogError) {
        guard replaced.position == original.position, replaced.stream == original.stream,
            replaced.streamVersion == original.streamVersion, replaced.recordedAtMicros == original.recordedAtMicros,
            replaced.eventID == original.eventID
        else {
            throw .invalidCompaction(
                reason: "the rewrite of position \(original.position) changed its position, stream, version, time or id")
        }
    }
}
