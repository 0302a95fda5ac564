import CZstd

/// Turns a verified frame's stored payload back into records.
///
/// A frame's bytes may come from a damaged or hostile file, so nothing here trusts a length field: the raw
/// length must be one the payload could decompress to before any buffer of that size is allocated.
struct FrameDecoder {
    let dictionaries: DictionaryStore
    let decompressor = ZstdDecompressor()

    enum Failure: Error {
        case missingDictionary(UInt32)
        case undecodable(String)
    }

    /// The most a zstd frame can expand: every block holds at most 128 KiB and takes at least 4 bytes (a 3-byte
    /// block header and one RLE byte), so a payload of `n` bytes never decompresses to more than `n * 32 Ki`.
    static let maximumExpansion: UInt64 = 32 << 10

    /// Decompresses and decodes; checks that the records are the ones the header announces.
    func records(header: FrameHeader, payload: UnsafeRawBufferPointer) throws(Failure) -> [LogRecord] {
        try checkHeader(header, payload: payload)
        let decoded: [LogRecord]
        do {
            if header.isCompressed {
                var dictionary: ZstdDictionary?
                if header.dictionaryID != 0 {
                    guard let found = dictionaries.dictionary(id: header.dictionaryID) else {
                        throw Failure.missingDictionary(header.dictionaryID)
                    }
                    dictionary = found
                }
                let raw = try decompressor.decompress(payload, rawLength: Int(header.rawLength), dictionary: dictionary)
                    .get()
                decoded = try raw.withUnsafeBytes { try RecordCodec.decodeAll($0) }
            } else {
                decoded = try RecordCodec.decodeAll(payload)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .undecodable("\(error)")
        }
        guard decoded.count == Int(header.recordCount) else {
            throw .undecodable("frame holds \(decoded.count) records, header says \(header.recordCount)")
        }
        for (i, record) in decoded.enumerated() where record.position.rawValue != header.firstPosition + UInt64(i) {
            throw .undecodable("record \(i) has position \(record.position), expected \(header.firstPosition + UInt64(i))")
        }
        return decoded
    }

    /// Refuses positions past the end of the position space, and a raw length the payload cannot hold before
    /// anything is allocated for it.
    private func checkHeader(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws(Failure) {
        guard !header.firstPosition.addingReportingOverflow(UInt64(header.recordCount)).overflow else {
            throw .undecodable("positions from \(header.firstPosition) overflow")
        }
        let raw = UInt64(header.rawLength)
        guard header.isCompressed else {
            guard raw == UInt64(payload.count) else {
                throw .undecodable("uncompressed frame of \(payload.count) bytes, header says \(raw)")
            }
            return
        }
        guard raw <= UInt64(payload.count) * Self.maximumExpansion else {
            throw .undecodable("raw length \(raw) is impossible for a payload of \(payload.count) bytes")
        }
        let declared = ZSTD_getFrameContentSize(payload.baseAddress, payload.count)
        guard declared == raw else {
            throw .undecodable("the zstd frame declares \(Self.describe(contentSize: declared)), header says \(raw)")
        }
    }

    /// zstd.h's `ZSTD_CONTENTSIZE_UNKNOWN` and `ZSTD_CONTENTSIZE_ERROR` (macros Swift does not import).
    private static let contentSizeUnknown = UInt64.max
    private static let contentSizeError = UInt64.max - 1

    private static func describe(contentSize: UInt64) -> String {
        switch contentSize {
        case contentSizeUnknown: "no content size"
        case contentSizeError: "nothing (not a zstd frame)"
        default: "\(contentSize) bytes"
        }
    }
}
