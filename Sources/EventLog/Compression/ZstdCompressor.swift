import CZstd

/// One zstd compression context, reused frame after frame by the single writer.
///
/// Not thread-safe: the writer keeps it inside its lock.
final class ZstdCompressor {
    private let context: OpaquePointer
    let level: Int32

    init(level: Int32) {
        context = ZSTD_createCCtx()
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input` as one zstd frame, with `dictionary` when given.
    func compress(_ input: [UInt8], dictionary: ZstdDictionary?) throws(EventLogError) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { inp in
                if let dictionary {
                    ZSTD_compress_usingCDict(
                        context, out.baseAddress, out.count, inp.baseAddress, inp.count, dictionary.compressionDictionary)
                } else {
                    ZSTD_compressCCtx(context, out.baseAddress, out.count, inp.baseAddress, inp.count, level)
                }
            }
        }
        if ZSTD_isError(written) != 0 { throw .compression(reason: String(cString: ZSTD_getErrorName(written))) }
        output.removeLast(output.count - written)
        return output
    }
}
