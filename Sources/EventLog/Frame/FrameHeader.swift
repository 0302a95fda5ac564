/// The fixed 40-byte header in front of every frame's payload (see docs/log-format.md).
///
/// ```
/// offset size field
///      0    4 magic "SDFR"
///      4    2 format version (1)
///      6    2 flags (bit 0: payload is a zstd frame; bit 1: the first frame of a synced write)
///      8    8 first position
///     16    4 record count
///     20    4 raw (uncompressed) payload length
///     24    4 stored payload length
///     28    4 dictionary id (0: none)
///     32    4 previous checksum (the chain)
///     36    4 CRC32C of bytes 0..<36 followed by the stored payload
/// ```
struct FrameHeader: Equatable {
    static let size = 40
    static let magic: [UInt8] = Array("SDFR".utf8)
    static let formatVersion: UInt16 = 1
    static let compressedFlag: UInt16 = 1
    /// Set on the first frame of each write (one `pwrite` and `fdatasync`) a writer that syncs makes to a segment.
    /// Such a writer starts a write only once the one before is durable, so a verifying frame that starts a write
    /// *after* a damaged frame proves the damage hit acknowledged records rather than a torn last write
    /// (``Recovery``, decision 0173). A writer that does not sync (`durability none`) sets no flag: after a power
    /// cut any of its unsynced writes may be missing, whatever follows them.
    static let startsWriteFlag: UInt16 = 2

    var flags: UInt16
    var firstPosition: UInt64
    var recordCount: UInt32
    var rawLength: UInt32
    var storedLength: UInt32
    var dictionaryID: UInt32
    var previousChecksum: UInt32
    var checksum: UInt32

    var isCompressed: Bool { flags & Self.compressedFlag != 0 }
    var startsWrite: Bool { flags & Self.startsWriteFlag != 0 }

    /// The header bytes that the checksum covers (everything but the checksum).
    func checkedBytes() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.write(Self.magic)
        writer.write(Self.formatVersion)
        writer.write(flags)
        writer.write(firstPosition)
        writer.write(recordCount)
        writer.write(rawLength)
        writer.write(storedLength)
        writer.write(dictionaryID)
        writer.write(previousChecksum)
        return writer.bytes
    }

    /// Builds a header for `payload`, computing its checksum.
    static func sealing(
        payload: [UInt8], flags: UInt16, firstPosition: UInt64, recordCount: UInt32, rawLength: UInt32,
        dictionaryID: UInt32, previousChecksum: UInt32
    ) -> FrameHeader {
        var header = FrameHeader(
            flags: flags, firstPosition: firstPosition, recordCount: recordCount, rawLength: rawLength,
            storedLength: UInt32(payload.count), dictionaryID: dictionaryID, previousChecksum: previousChecksum,
            checksum: 0)
        header.checksum = CRC32C.checksum(payload, extending: CRC32C.checksum(header.checkedBytes()))
        return header
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.write(checkedBytes())
        writer.write(checksum)
        return writer.bytes
    }

    enum ParseFailure: Error, Equatable {
        case short, badMagic, unsupportedVersion(UInt16)
    }

    /// Parses the header at the start of `bytes`; does not verify the checksum.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(ParseFailure) -> FrameHeader {
        guard bytes.count >= size else { throw .short }
        guard bytes.prefix(4).elementsEqual(magic) else { throw .badMagic }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[4..<size]))
        do {
            let version: UInt16 = try reader.read()
            guard version == formatVersion else { throw ParseFailure.unsupportedVersion(version) }
            return FrameHeader(
                flags: try reader.read(), firstPosition: try reader.read(), recordCount: try reader.read(),
                rawLength: try reader.read(), storedLength: try reader.read(), dictionaryID: try reader.read(),
                previousChecksum: try reader.read(), checksum: try reader.read())
        } catch let failure as ParseFailure {
            throw failure
        } catch {
            throw .short
        }
    }

    /// Whether `payload` is the one this header was sealed over.
    func verifies(payload: UnsafeRawBufferPointer) -> Bool {
        let headerCRC = checkedBytes().withUnsafeBytes { CRC32C.checksum($0) }
        return CRC32C.checksum(payload, extending: headerCRC) == checksum
    }
}
