/// Rewrites one sealed segment: frames whose records the rewrite replaces (or whose dictionary is
/// being retired) are encoded and compressed again; the others keep their payload and are only
/// re-chained. Frame boundaries, positions and the segment header stay as they were.
struct SegmentCompactor {
    /// A segment's frames after the rewrite, before anything is encoded again.
    struct Scanned {
        var header: [UInt8]
        var chainStart: UInt32
        var frames: [(frame: EncodedFrame, records: [LogRecord], changed: Bool)] = []
        var recordsRewritten = 0
        var streamsRewritten: Set<String> = []

        var changed: Bool { frames.contains(where: \.changed) }
    }

    let decoder: FrameDecoder
    let compressor: ZstdCompressor
    let dictionaries: DictionaryStore
    let rewrite: @Sendable (LogRecord) -> LogRecord?
    /// Frames compressed with these dictionaries are compressed again with ``replacement``.
    let retiring: Set<UInt32>
    let replacement: ZstdDictionary?

    /// Reads the records of a segment and applies the rewrite.
    func scan(_ bytes: [UInt8], path: String) throws(EventLogError) -> Scanned {
        guard let header = bytes.withUnsafeBytes({ SegmentHeader.parse($0) }) else {
            throw .corruption(file: path, offset: 0, reason: "bad segment header")
        }
        var scanned = Scanned(header: Array(bytes[0..<SegmentHeader.size]), chainStart: header.checksum)
        let outcome = try SegmentScanner(decoder: decoder).scan(bytes, path: path, header: header) {
            frame throws(EventLogError) in
            var records = frame.records
            var changed = retiring.contains(frame.header.dictionaryID)
            for i in records.indices {
                guard let replaced = rewrite(records[i]) else { continue }
                try Self.check(replaced, replaces: records[i])
                records[i] = replaced
                scanned.recordsRewritten += 1
                scanned.streamsRewritten.insert(replaced.stream)
                changed = true
            }
            let start = Int(frame.offset) + FrameHeader.size
            let payload = Array(bytes[start..<start + Int(frame.header.storedLength)])
            scanned.frames.append((EncodedFrame(header: frame.header, payload: payload), records, changed))
        }
        if let stop = outcome.stop { throw .corruption(file: path, offset: stop.offset, reason: stop.reason) }
        return scanned
    }

    /// The segment's new bytes: changed frames encoded and compressed again, the others re-chained.
    func encode(_ scanned: Scanned, segmentIndex: Int) throws(EventLogError) -> (bytes: [UInt8], frames: [FrameLocation]) {
        var output = scanned.header
        var locations: [FrameLocation] = []
        var chain = scanned.chainStart
        for (old, records, changed) in scanned.frames {
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
        return (output, locations)
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
