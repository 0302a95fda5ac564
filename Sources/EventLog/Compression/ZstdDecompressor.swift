import CZstd
import Synchronization

/// One zstd decompression context; a reader makes one per read call and reuses it across frames.
///
/// Contexts outlive their decompressors in a small shared pool: creating one allocates and initialises tens of
/// KiB, which cost more than decompressing the one small frame a writer's or tail's read typically needs.
final class ZstdDecompressor {
    private let context: OpaquePointer

    init() { context = Self.idle.withLock { $0.popLast()?.pointer } ?? ZSTD_createDCtx() }

    deinit {
        let kept = Self.idle.withLock { idle in
            guard idle.count < Self.poolLimit else { return false }
            idle.append(PooledContext(pointer: context))
            return true
        }
        if !kept { ZSTD_freeDCtx(context) }
    }

    /// A context no decompressor holds; only ever used by one decompressor at a time.
    private struct PooledContext: @unchecked Sendable { let pointer: OpaquePointer }
    private static let idle = Mutex<[PooledContext]>([])
    private static let poolLimit = 16

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
