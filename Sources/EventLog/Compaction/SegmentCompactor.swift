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
    let rewriter: FrameRewriter

    /// Reads the records of a segment and applies the rewrite.
    func scan(_ bytes: [UInt8], path: String) throws(EventLogError) -> Scanned {
        guard let header = bytes.withUnsafeBytes({ SegmentHeader.parse($0) }) else {
            throw .corruption(file: path, offset: 0, reason: "bad segment header")
        }
        var scanned = Scanned(header: Array(bytes[0..<SegmentHeader.size]), chainStart: header.checksum)
        let outcome = try SegmentScanner(decoder: decoder).scan(bytes, path: path, header: header) {
            frame throws(EventLogError) in
            let outcome = try rewriter.apply(to: frame.records, dictionaryID: frame.header.dictionaryID)
            scanned.recordsRewritten += outcome.recordsRewritten
            scanned.streamsRewritten.formUnion(outcome.streamsRewritten)
            let start = Int(frame.offset) + FrameHeader.size
            let payload = Array(bytes[start..<start + Int(frame.header.storedLength)])
            scanned.frames.append((EncodedFrame(header: frame.header, payload: payload), outcome.records, outcome.changed))
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
            let frame = try rewriter.seal(old, records: records, changed: changed, chain: chain)
            locations.append(
                FrameLocation(
                    firstPosition: frame.header.firstPosition, recordCount: frame.header.recordCount,
                    segmentIndex: segmentIndex, offset: UInt64(output.count), length: frame.length))
            frame.write(into: &output)
            chain = frame.header.checksum
        }
        return (output, locations)
    }
}
