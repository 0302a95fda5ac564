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
        var output = [UInt8](repeating: 0, count: rawLength)
        let written = output.withUnsafeMutableBytes { out in
            if let dictionary {
                ZSTD_decompress_usingDDict(
                    context, out.baseAddress, out.count, input.baseAddress, input.count,
                    dictionary.decompressionDictionary)
            } else {
                ZSTD_decompressDCtx(context, out.baseAddress, out.count, input.baseAddress, input.count)
            }
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
