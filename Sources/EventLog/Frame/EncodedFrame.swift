/// One frame ready to be written: its header and its stored payload.
///
/// The writer builds frames from new batches; compaction rebuilds them from rewritten records.
/// Both go through ``compressing(_:firstPosition:recordCount:compressor:dictionary:previousChecksum:)``,
/// so a frame is always sealed the same way.
struct EncodedFrame {
    let header: FrameHeader
    let payload: [UInt8]

    /// Header plus payload.
    var length: Int { FrameHeader.size + payload.count }

    /// Compresses a raw payload (encoded records) and seals it; keeps it raw when zstd does not shrink it.
    static func compressing(
        _ raw: [UInt8], firstPosition: UInt64, recordCount: UInt32, compressor: ZstdCompressor,
        dictionary: ZstdDictionary?, previousChecksum: UInt32
    ) throws(EventLogError) -> EncodedFrame {
        let compressed = try compressor.compress(raw, dictionary: dictionary)
        let useCompressed = compressed.count < raw.count
        let payload = useCompressed ? compressed : raw
        let header = FrameHeader.sealing(
            payload: payload, flags: useCompressed ? FrameHeader.compressedFlag : 0, firstPosition: firstPosition,
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

    /// Appends header and payload to `output`.
    func write(into output: inout [UInt8]) {
        output.append(contentsOf: header.encoded())
        output.append(contentsOf: payload)
    }
}
