import CZstd

/// One zstd decompression context; a reader makes one per read call and reuses it across frames.
final class ZstdDecompressor {
    private let context: OpaquePointer

    init() { context = ZSTD_createDCtx() }
    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses one frame whose content is exactly `rawLength` bytes long.
    func decompress(
        _ input: UnsafeRawBufferPointer, rawLength: Int, dictionary: ZstdDictionary?
    ) -> Result<[UInt8], EventLogError> {
        var written = 0
        // Uninitialized: zstd writes every byte it reports, and a short result is an error below.
        let output = [UInt8](unsafeUninitializedCapacity: rawLength) { out, count in
            written =
                if let dictionary {
                    ZSTD_decompress_usingDDict(
                        context, out.baseAddress, out.count, input.baseAddress, input.count,
                        dictionary.decompressionDictionary)
                } else {
                    ZSTD_decompressDCtx(context, out.baseAddress, out.count, input.baseAddress, input.count)
                }
            count = ZSTD_isError(written) != 0 ? 0 : written
        }
        if ZSTD_isError(written) != 0 {
            return .failure(.compression(reason: String(cString: ZSTD_getErrorName(written))))
        }
        guard written == rawLength else {
            return .failure(.compression(reason: "frame decompressed to \(written) bytes, header says \(rawLength)"))
        }
        return .success(output)
    }
}
