import CZstd

/// A trained zstd dictionary, digested once for compression and once for decompression.
///
/// `@unchecked Sendable`: every property is immutable after `init`, and zstd's digested
/// dictionaries are read-only once created, safe to use from several threads at once.
final class ZstdDictionary: @unchecked Sendable {
    let id: UInt32
    let bytes: [UInt8]
    let compressionDictionary: OpaquePointer
    let decompressionDictionary: OpaquePointer

    init(id: UInt32, bytes: [UInt8], level: Int32) throws(EventLogError) {
        self.id = id
        self.bytes = bytes
        let cdict = bytes.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, level) }
        let ddict = bytes.withUnsafeBytes { ZSTD_createDDict($0.baseAddress, $0.count) }
        guard let cdict, let ddict else {
            if let cdict { ZSTD_freeCDict(cdict) }
            if let ddict { ZSTD_freeDDict(ddict) }
            throw .compression(reason: "dictionary \(id) could not be loaded")
        }
        compressionDictionary = cdict
        decompressionDictionary = ddict
    }

    deinit {
        ZSTD_freeCDict(compressionDictionary)
        ZSTD_freeDDict(decompressionDictionary)
    }

    /// Trains a dictionary of at most `capacity` bytes from `samples`.
    static func train(samples: [[UInt8]], capacity: Int) throws(EventLogError) -> [UInt8] {
        var concatenated: [UInt8] = []
        concatenated.reserveCapacity(samples.reduce(0) { $0 + $1.count })
        var sizes: [Int] = []
        for sample in samples {
            concatenated.append(contentsOf: sample)
            sizes.append(sample.count)
        }
        var dictionary = [UInt8](repeating: 0, count: capacity)
        let written = dictionary.withUnsafeMutableBytes { out in
            concatenated.withUnsafeBytes { inp in
                ZDICT_trainFromBuffer(out.baseAddress, out.count, inp.baseAddress, sizes, UInt32(sizes.count))
            }
        }
        if ZDICT_isError(written) != 0 {
            throw .compression(reason: "dictionary training failed: \(String(cString: ZDICT_getErrorName(written)))")
        }
        dictionary.removeLast(dictionary.count - written)
        return dictionary
    }
}
