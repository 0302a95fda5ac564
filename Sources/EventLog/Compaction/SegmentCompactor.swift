/// Rewrites one sealed segment: frames whose records the rewrite replaces (or whose dictionary is
/// being retired) are encoded and compressed again; the others keep their payload and are only
/// re-chained. Frame boundaries, positions and the segment header stay as they were.
struct SegmentCompactor {
    /// A segment's new bytes and where its frames now are.
    struct Rewritten {
        var bytes: [UInt8]
        var frames: [FrameLocation]
        var recordsRewritten: Int
        var streamsRewritten: Set<String>
    }

    let decoder: FrameDecoder
    let compressor: ZstdCompressor
    let dictionaries: DictionaryStore
    let rewrite: @Sendable (LogRecord) -> LogRecord?
    /// Frames compressed with these dictionaries are compressed again with ``replacement``.
    let retiring: Set<UInt32>
    let replacement: ZstdDictionary?

    /// Reads the records of a segment and applies the rewrite; `nil` when nothing would change.
    func rewrite(
        _ bytes: [UInt8], path: String, segmentIndex: Int
    ) throws(EventLogError) -> Rewritten? {
        guard let header = bytes.withUnsafeBytes({ SegmentHeader.parse($0) }) else {
            throw .corruption(file: path, offset: 0, reason: "bad segment header")
        }
        var frames: [(frame: EncodedFrame, records: [LogRecord], changed: Bool)] = []
        var recordsRewritten = 0
        var streams = Set<String>()
        let outcome = try SegmentScanner(decoder: decoder).scan(bytes, path: path, header: header) {
            scanned throws(EventLogError) in
            var records = scanned.records
            var changed = retiring.contains(scanned.header.dictionaryID)
            for i in records.indices {
                guard let replaced = rewrite(records[i]) else { continue }
                try Self.check(replaced, replaces: records[i])
                records[i] = replaced
                recordsRewritten += 1
                streams.insert(replaced.stream)
                changed = true
            }
            let start = Int(scanned.offset) + FrameHeader.size
            let payload = Array(bytes[start..<start + Int(scanned.header.storedLength)])
            frames.append((EncodedFrame(header: scanned.header, payload: payload), records, changed))
        }
        if let stop = outcome.stop { throw .corruption(file: path, offset: stop.offset, reason: stop.reason) }
        guard frames.contains(where: \.changed) else { return nil }

        var output = Array(bytes[0..<SegmentHeader.size])
        var locations: [FrameLocation] = []
        var chain = header.checksum
        for (old, records, changed) in frames {
            let frame: EncodedFrame
            if changed {
                var raw = ByteWriter(capacity: Int(old.header.rawLength))
                for record in records { RecordCodec.encode(record, into: &raw) }
                let dictionaryID = old.header.dictionaryID
                let dictionary = retiring.contains(dictionaryID) ? replacement : dictionaries.dictionary(id: dictionaryID)
                frame = try EncodedFrame.compressing(
                    raw.bytes, firstPosition: old.header.firstPosition, recordCount: old.header.recordCount,
                    compressor: compressor, dictionary: dictionary, previousChecksum: chain)
            } else {
                frame = old.header.previousChecksum == chain ? old : old.rechained(to: chain)
            }
            locations.append(
                FrameLocation(
                    firstPosition: frame.header.firstPosition, recordCount: frame.header.recordCount,
                    segmentIndex: segmentIndex, offset: UInt64(output.count), length: frame.length))
            frame.write(into: &output)
            chain = frame.header.checksum
        }
        return Rewritten(bytes: output, frames: locations, recordsRewritten: recordsRewritten, streamsRewritten: streams)
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
