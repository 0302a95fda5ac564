/// Reads little-endian integers and byte runs from a buffer, failing on a short read.
struct ByteReader {
    struct ShortRead: Error {}

    let buffer: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var remaining: Int { buffer.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(ShortRead) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw ShortRead() }
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    mutating func readBigEndian<T: FixedWidthInteger>(_: T.Type = T.self) throws(ShortRead) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw ShortRead() }
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(bigEndian: value)
    }

    mutating func readBytes(_ count: Int) throws(ShortRead) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw ShortRead() }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
        offset += count
        return slice
    }

    mutating func readString(length: Int) throws(ShortRead) -> String {
        String(decoding: try readBytes(length), as: UTF8.self)
    }
}
