/// Turns records into frames — the very bytes a segment frame holds (docs/log-format.md) — for a store that keeps
/// frames somewhere other than segment files. The file store's writer builds its frames the same way.
///
/// Holds one zstd context, so it is not thread-safe: the store's single writer owns it.
public final class FrameEncoder {
    private let compressor: ZstdCompressor
    /// A batch whose records encode to more than this (uncompressed) is split into several frames.
    public let maximumFrameBytes: Int

    /// Creates an encoder compressing at `compressionLevel`.
    public init(compressionLevel: Int32 = 3, maximumFrameBytes: Int = 1 << 20) {
        compressor = ZstdCompressor(level: compressionLevel)
        self.maximumFrameBytes = maximumFrameBytes
    }

    /// Encodes `records` into one or more frames, compressed with the active dictionary, each chained to the one
    /// before and the first to `previousChecksum`.
    /// - Parameters:
    ///   - records: records with their final positions, dense and ascending.
    ///   - sample: given each encoded record and its stream, when the caller collects dictionary training samples.
    /// - Throws: ``EventLogError/compression(reason:)`` when zstd fails.
    public func encode(
        _ records: [LogRecord], dictionaries: LogDictionaries, previousChecksum: UInt32,
        sample: ((_ record: [UInt8], _ stream: String) -> Void)? = nil
    ) throws(EventLogError) -> [SealedFrame] {
        try EncodedFrame.encoding(
            records, maximumFrameBytes: maximumFrameBytes, compressor: compressor,
            dictionary: dictionaries.store.active, previousChecksum: previousChecksum, sample: sample
        ).map(\.sealed)
    }
}
