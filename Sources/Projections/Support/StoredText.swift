import CZstd
import Foundation
internal import GRDB
import Synchronization

/// A long body column as stored — message text, reasoning and framework items, tool call inputs and tool
/// results: the text itself when it is short or zstd does not shrink it, otherwise a BLOB holding one zstd
/// frame of its UTF-8 (decision 0090). SQLite keeps each value's type, so readers tell the two apart by it.
///
/// Per value, not per chunk: every row stays independently readable and deletable (a deleted session's rows
/// go with `secure_delete`, decision 0035), and a value always encodes to the same bytes, so a rebuilt
/// database equals the live one row by row.
enum StoredText {
    /// Shorter texts are stored as they are: a zstd frame's header and the BLOB's type outweigh the gain.
    static let minimumCompressedLength = 64
    /// zstd level: the per-value ratio hardly moves above it, the projector's CPU does.
    static let level: Int32 = 3

    /// The value to bind for `text` (`NULL` for `nil`).
    static func encode(_ text: String?) -> DatabaseValue {
        guard var text else { return .null }
        guard text.utf8.count >= minimumCompressedLength else { return text.databaseValue }
        let compressed = text.withUTF8 { utf8 in Contexts.compress(UnsafeRawBufferPointer(utf8)) }
        guard let compressed, compressed.count < text.utf8.count else { return text.databaseValue }
        return Data(compressed).databaseValue
    }

    /// The text a stored value holds; `nil` for `NULL` (or a BLOB that is not a zstd frame of text, which
    /// only a damaged file holds).
    static func decode(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .string(let text): return text
        case .blob(let data):
            return data.withUnsafeBytes { frame in Contexts.decompress(frame).map { String(decoding: $0, as: UTF8.self) } }
        case .null, .int64, .double: return nil
        }
    }

    /// zstd contexts, kept: creating one allocates and initialises tens of KiB, more than one value costs.
    private enum Contexts {
        private struct Pointer: @unchecked Sendable { let pointer: OpaquePointer }
        /// The projector is the only writer, so one compression context is enough.
        private static let compression = Mutex(Pointer(pointer: ZSTD_createCCtx()))
        /// Readers decompress concurrently: each takes an idle context or makes one.
        private static let idle = Mutex<[Pointer]>([])
        private static let idleLimit = 8

        static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
            let bound = ZSTD_compressBound(input.count)
            var written = 0
            let output = [UInt8](unsafeUninitializedCapacity: bound) { out, count in
                written = compression.withLock { context in
                    ZSTD_compressCCtx(context.pointer, out.baseAddress, bound, input.baseAddress, input.count, level)
                }
                count = ZSTD_isError(written) != 0 ? 0 : written
            }
            return ZSTD_isError(written) != 0 ? nil : output
        }

        static func decompress(_ frame: UnsafeRawBufferPointer) -> [UInt8]? {
            let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
            guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size < 1 << 31 else { return nil }
            let context = idle.withLock { $0.popLast() } ?? Pointer(pointer: ZSTD_createDCtx())
            defer {
                let kept = idle.withLock { idle in
                    guard idle.count < idleLimit else { return false }
                    idle.append(context)
                    return true
                }
                if !kept { ZSTD_freeDCtx(context.pointer) }
            }
            var written = 0
            let output = [UInt8](unsafeUninitializedCapacity: Int(size)) { out, count in
                written = ZSTD_decompressDCtx(context.pointer, out.baseAddress, out.count, frame.baseAddress, frame.count)
                count = ZSTD_isError(written) != 0 ? 0 : written
            }
            return ZSTD_isError(written) != 0 || written != Int(size) ? nil : output
        }
    }
}
