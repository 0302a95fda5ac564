import CZstd
import Foundation
internal import GRDB
import Synchronization

/// A bulky body column as stored — tool results and framework items: the text itself when it is short or zstd
/// does not shrink it, otherwise a BLOB holding one zstd frame of its UTF-8 (decision 0090). Message text,
/// reasoning and tool inputs stay plain: alone, each compresses ≈ 1.1–1.5×, not worth a decompression per
/// message on every read.
///
/// Per value, not per chunk: every row stays independently readable and deletable (a deleted session's rows
/// go with `secure_delete`, decision 0035), and a value always encodes to the same bytes, so a rebuilt
/// database equals the live one row by row.
enum StoredText {
    /// Shorter texts are stored as they are (decision 0165): alone, a value under 512 bytes compresses ≈ 1.0–1.6×
    /// (half the benchmark's tool results, 2 % of what compressing them all saves), while zstd's fixed cost per
    /// frame made them a third of a rebuild's compression time, and most framework items are that short.
    static let minimumCompressedLength = 512
    /// zstd level 1: on ≈ 3 KB tool results it compresses ≈ 15 % faster than level 3 for ≈ 3.5 % larger
    /// values; a rebuild compresses every result, so the time counts more than the bytes (decision 0147).
    static let level: Int32 = 1

    /// A body as the projector binds it: the text itself, or one zstd frame of its UTF-8 as a BLOB.
    enum Stored: SQLiteBindable, Sendable {
        case text(String)
        case compressed([UInt8])

        func bind(to handle: OpaquePointer, at index: Int32) -> Int32 {
            switch self {
            case .text(let text): text.bind(to: handle, at: index)
            case .compressed(let bytes): bytes.bind(to: handle, at: index)
            }
        }
    }

    /// The value to bind for `text` (`NULL` for `nil`).
    static func encode(_ text: String?) -> Stored? {
        guard var text else { return nil }
        guard text.utf8.count >= minimumCompressedLength else { return .text(text) }
        let compressed = text.withUTF8 { utf8 in Contexts.compress(UnsafeRawBufferPointer(utf8)) }
        guard let compressed, compressed.count < text.utf8.count else { return .text(text) }
        return .compressed(compressed)
    }

    /// The value to bind for a text given as its UTF-8 bytes (a result's JSON literal).
    static func encode(utf8: ArraySlice<UInt8>) -> Stored {
        guard utf8.count >= minimumCompressedLength,
            let compressed = utf8.withUnsafeBytes({ Contexts.compress($0) }), compressed.count < utf8.count
        else { return .text(String(decoding: utf8, as: UTF8.self)) }
        return .compressed(compressed)
    }

    /// The text stored in `row` at `index`; `nil` for `NULL` (or a zstd frame that does not decompress, which
    /// only a damaged file holds). Reads SQLite's bytes in place: no copy of the stored value.
    static func decode(_ row: Row, _ index: Int) -> String? {
        (try? row.withUnsafeData(atIndex: index) { data -> String? in
            guard let data else { return nil }
            return data.withUnsafeBytes { text($0) }
        }) ?? nil
    }

    /// A stored value's bytes as SQLite holds them (the text's UTF-8, or a zstd frame), copied out of `row`
    /// for ``append(_:to:)`` later; `nil` for `NULL`. Nothing is decompressed that is never written.
    static func stored(_ row: Row, _ index: Int) -> [UInt8]? {
        (try? row.withUnsafeData(atIndex: index) { data in data.map { [UInt8]($0) } }) ?? nil
    }

    /// Appends the text a ``stored(_:_:)`` value holds to `output`, decompressing straight into it; appends
    /// nothing and returns `false` for a frame that does not decompress (only a damaged file holds one).
    @discardableResult
    static func append(_ stored: [UInt8], to output: inout [UInt8]) -> Bool {
        stored.withUnsafeBytes { bytes in
            guard bytes.count >= 4, bytes.loadUnaligned(as: UInt32.self) == zstdMagic else {
                output.append(contentsOf: bytes)
                return true
            }
            return Contexts.decompress(bytes, appendingTo: &output)
        }
    }

    /// The text a ``stored(_:_:)`` value holds.
    static func text(_ stored: [UInt8]) -> String? {
        stored.withUnsafeBytes { text($0) }
    }

    /// The text a stored value holds, given as its bytes.
    static func text(_ stored: UnsafeRawBufferPointer) -> String? {
        // A zstd frame starts 28 B5 2F FD; no UTF-8 text does (0xB5 cannot follow an ASCII byte).
        guard stored.count >= 4, stored.loadUnaligned(as: UInt32.self) == zstdMagic else {
            return String(decoding: stored, as: UTF8.self)
        }
        return Contexts.decompress(stored)
    }

    /// The first four bytes of a zstd frame, read as a little-endian integer.
    private static let zstdMagic: UInt32 = 0xFD2F_B528

    /// zstd contexts, kept: creating one allocates and initialises tens of KiB, more than one value costs.
    private enum Contexts {
        private struct Pointer: @unchecked Sendable { let pointer: OpaquePointer }
        /// Records are prepared (compressed) and read (decompressed) on several threads at once: each call takes
        /// an idle context or makes one.
        private static let idleCompression = Mutex<[Pointer]>([])
        private static let idleDecompression = Mutex<[Pointer]>([])
        private static let idleLimit = 8

        static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
            let context = idleCompression.withLock { $0.popLast() } ?? Pointer(pointer: ZSTD_createCCtx())
            defer { keep(context, in: idleCompression) { ZSTD_freeCCtx($0) } }
            let bound = ZSTD_compressBound(input.count)
            var written = 0
            let output = [UInt8](unsafeUninitializedCapacity: bound) { out, count in
                written = ZSTD_compressCCtx(context.pointer, out.baseAddress, bound, input.baseAddress, input.count, level)
                count = ZSTD_isError(written) != 0 ? 0 : written
            }
            return ZSTD_isError(written) != 0 ? nil : output
        }

        /// Returns `context` to `idle`, or frees it with `free` when enough are idle.
        private static func keep(_ context: Pointer, in idle: borrowing Mutex<[Pointer]>, free: (OpaquePointer) -> Int) {
            let kept = idle.withLock { idle in
                guard idle.count < idleLimit else { return false }
                idle.append(context)
                return true
            }
            if !kept { _ = free(context.pointer) }
        }

        static func decompress(_ frame: UnsafeRawBufferPointer) -> String? {
            guard let size = contentSize(frame) else { return nil }
            var failed = false
            // Decompressed straight into the string's storage.
            let text = String(unsafeUninitializedCapacity: size) { out in
                let written = decompress(frame, into: UnsafeMutableRawBufferPointer(out))
                failed = written != size
                return failed ? 0 : size
            }
            return failed ? nil : text
        }

        static func decompress(_ frame: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Bool {
            guard let size = contentSize(frame) else { return false }
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: size))
            let written = output.withUnsafeMutableBytes { out in
                decompress(frame, into: UnsafeMutableRawBufferPointer(rebasing: out[start...]))
            }
            guard written == size else {
                output.removeSubrange(start...)
                return false
            }
            return true
        }

        private static func contentSize(_ frame: UnsafeRawBufferPointer) -> Int? {
            let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
            guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size < 1 << 31 else { return nil }
            return Int(size)
        }

        /// Decompresses `frame` into `out`: the bytes written, `nil` on an error.
        private static func decompress(_ frame: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int? {
            let context = idleDecompression.withLock { $0.popLast() } ?? Pointer(pointer: ZSTD_createDCtx())
            defer { keep(context, in: idleDecompression) { ZSTD_freeDCtx($0) } }
            let written = ZSTD_decompressDCtx(context.pointer, out.baseAddress, out.count, frame.baseAddress, frame.count)
            return ZSTD_isError(written) != 0 ? nil : written
        }
    }
}
