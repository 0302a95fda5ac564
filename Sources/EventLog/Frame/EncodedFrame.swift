/// One frame ready to be written: its header and its stored payload.
///
/// The writer builds frames from new batches; compaction rebuilds them from rewritten records.
/// Both go through ``compressing(_:firstPosition:recordCount:compressor:dictionary:previousChecksum:flags:)``,
/// so a frame is always sealed the same way.
struct EncodedFrame {
    let header: FrameHeader
    let payload: [UInt8]

    /// Header plus payload.
    var length: Int { FrameHeader.size + payload.count }

    /// Encodes records (positions already assigned, dense) into one or more frames, chained from
    /// `previousChecksum`: a frame closes once its raw payload reaches `maximumFrameBytes`, and always holds at least
    /// one record. The file store's writer and the PostgreSQL store both build their frames here.
    /// - Parameter firstFrameFlags: flags for the first frame alone (the file store marks the start of a write).
    /// - Parameter sample: given each encoded record (a copy) and its stream, for dictionary training.
    static func encoding(
        _ records: [LogRecord], maximumFrameBytes: Int, compressor: ZstdCompressor, dictionary: ZstdDictionary?,
        previousChecksum: UInt32, firstFrameFlags: UInt16 = 0, sample: ((_ record: [UInt8], _ stream: String) -> Void)? = nil
    ) throws(EventLogError) -> [EncodedFrame] {
        var frames: [EncodedFrame] = []
        var chain = previousChecksum
        var i = 0
        while i < records.count {
            var raw = ByteWriter(capacity: min(maximumFrameBytes, 1 << 16))
            let first = records[i].position.rawValue
            var count: UInt32 = 0
            while i < records.count, count == 0 || raw.bytes.count < maximumFrameBytes {
                let start = raw.bytes.count
                RecordCodec.encode(records[i], into: &raw)
                // Copy just this record: an Array made from a slice spanning the whole buffer (the frame's first
                // record) shares the buffer and its 64 KiB reservation, which thousands of samples pinned.
                sample?(raw.bytes.withUnsafeBufferPointer { Array($0[start...]) }, records[i].stream)
                i += 1
                count += 1
            }
            let frame = try compressing(
                raw.bytes, firstPosition: first, recordCount: count, compressor: compressor, dictionary: dictionary,
                previousChecksum: chain, flags: frames.isEmpty ? firstFrameFlags : 0)
            frames.append(frame)
            chain = frame.header.checksum
        }
        return frames
    }

    /// Compresses a raw payload (encoded records) and seals it; keeps it raw when zstd does not shrink it.
    static func compressing(
        _ raw: [UInt8], firstPosition: UInt64, recordCount: UInt32, compressor: ZstdCompressor,
        dictionary: ZstdDictionary?, previousChecksum: UInt32, flags: UInt16 = 0
    ) throws(EventLogError) -> EncodedFrame {
        let compressed = try compressor.compress(raw, dictionary: dictionary)
        let useCompressed = compressed.count < raw.count
        let payload = useCompressed ? compressed : raw
        let header = FrameHeader.sealing(
            payload: payload, flags: flags | (useCompressed ? FrameHeader.compressedFlag : 0), firstPosition: firstPosition,
            recordCount: recordCount, rawLength: UInt32(raw.count),
            dictionaryID: useCompressed ? dictionary?.id ?? 0 : 0, previousChecksum: previousChecksum)
        return EncodedFrame(header: header, payload: payload)
    }

    /// The same stored payload sealed again behind a new chain value (an earlier frame changed).
    func rechained(to previousChecksum: UInt32) -> EncodedFrame {
        let header = FrameHeader.sealing(
            payload: payload, flags: header.flags, firstPosition: header.firstPosition,
            recordCount: header.recordCount, rawLength: header.rawLength, dictionaryID: header.dictionaryID,
            previousChecksum: previousChecksum)
        return EncodedFrame(header: header, payload: payload)
    }

    /// Header and payload in one buffer, as a store that keeps frames one by one holds them.
    var sealed: SealedFrame {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        write(into: &bytes)
        return SealedFrame(header: header, bytes: bytes)
    }

    /// Appends header and payload to `output`.
    func write(into output: inout [UInt8]) {
        output.append(contentsOf: header.encoded())
        output.append(contentsOf: payload)
    }
}
