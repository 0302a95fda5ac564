/// The fixed 32-byte header at the start of every segment file (see docs/log-format.md).
///
/// ```
/// offset size field
///      0    4 magic "SDSG"
///      4    2 format version (1)
///      6    2 reserved (0)
///      8    8 first position of the segment
///     16    8 created at, microseconds since 1970
///     24    4 reserved (0)
///     28    4 CRC32C of bytes 0..<28; the first frame chains to this value
/// ```
struct SegmentHeader: Equatable {
    static let size = 32
    static let magic: [UInt8] = Array("SDSG".utf8)
    static let formatVersion: UInt16 = 1

    var firstPosition: UInt64
    var createdAtMicros: Int64

    private func checkedBytes() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.write(Self.magic)
        writer.write(Self.formatVersion)
        writer.write(UInt16(0))
        writer.write(firstPosition)
        writer.write(createdAtMicros)
        writer.write(UInt32(0))
        return writer.bytes
    }

    /// The checksum that starts the segment's frame chain.
    var checksum: UInt32 { CRC32C.checksum(checkedBytes()) }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.write(checkedBytes())
        writer.write(checksum)
        return writer.bytes
    }

    /// Parses and verifies a header; `nil` when the bytes are not a valid header.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> SegmentHeader? {
        guard bytes.count >= size, bytes.prefix(4).elementsEqual(magic) else { return nil }
        // The checksum covers the bytes as stored, reserved fields included.
        let checked = UnsafeRawBufferPointer(rebasing: bytes[0..<28])
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[4..<size]))
        guard let version: UInt16 = try? reader.read(), version == formatVersion,
            let reserved: UInt16 = try? reader.read(), reserved == 0,
            let first: UInt64 = try? reader.read(),
            let created: Int64 = try? reader.read(),
            let reserved2: UInt32 = try? reader.read(), reserved2 == 0,
            let stored: UInt32 = try? reader.read(),
            CRC32C.checksum(checked) == stored
        else { return nil }
        return SegmentHeader(firstPosition: first, createdAtMicros: created)
    }
}
