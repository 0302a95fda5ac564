/// Encodes records into a frame's raw payload and decodes them back (see docs/log-format.md).
///
/// ```
/// u32 length of what follows
/// u64 position        u64 stream version     i64 recorded at (µs)
/// u16 schema version  16 bytes event id (UUID, big-endian)
/// u16 stream length, stream (UTF-8)
/// u16 type length, type (UTF-8)
/// u16 metadata count, then per pair: u16 key length, key, u16 value length, value
/// u32 body length, body
/// ```
enum RecordCodec {
    static let fixedLength = 4 + 8 + 8 + 8 + 2 + 16 + 2 + 2 + 2 + 4

    static func encodedLength(_ record: LogRecord) -> Int {
        var length = fixedLength + record.stream.utf8.count + record.type.utf8.count + record.body.count
        for (key, value) in record.metadata { length += 4 + key.utf8.count + value.utf8.count }
        return length
    }

    static func encode(_ record: LogRecord, into writer: inout ByteWriter) {
        writer.write(UInt32(encodedLength(record) - 4))
        writer.write(record.position.rawValue)
        writer.write(record.streamVersion)
        writer.write(record.recordedAtMicros)
        writer.write(record.schemaVersion)
        writer.writeBigEndian(record.eventID.high)
        writer.writeBigEndian(record.eventID.low)
        writer.write(UInt16(record.stream.utf8.count))
        writer.write(record.stream.utf8)
        writer.write(UInt16(record.type.utf8.count))
        writer.write(record.type.utf8)
        writer.write(UInt16(record.metadata.count))
        for (key, value) in record.metadata.sorted(by: { $0.key < $1.key }) {
            writer.write(UInt16(key.utf8.count))
            writer.write(key.utf8)
            writer.write(UInt16(value.utf8.count))
            writer.write(value.utf8)
        }
        writer.write(UInt32(record.body.count))
        writer.write(record.body)
    }

    /// Decodes every record of a raw payload, in order.
    static func decodeAll(_ payload: UnsafeRawBufferPointer) throws(ByteReader.ShortRead) -> [LogRecord] {
        var reader = ByteReader(payload)
        var records: [LogRecord] = []
        var strings = StringInterner()
        while reader.remaining > 0 {
            let length = Int(try reader.read(UInt32.self))
            var inner = ByteReader(try reader.readBytes(length))
            records.append(try decode(&inner, strings: &strings))
        }
        return records
    }

    private static func decode(_ reader: inout ByteReader, strings: inout StringInterner) throws(ByteReader.ShortRead)
        -> LogRecord
    {
        let position: UInt64 = try reader.read()
        let version: UInt64 = try reader.read()
        let recordedAt: Int64 = try reader.read()
        let schemaVersion: UInt16 = try reader.read()
        let high: UInt64 = try reader.readBigEndian()
        let low: UInt64 = try reader.readBigEndian()
        let stream = strings.string(for: try reader.readBytes(Int(try reader.read(UInt16.self))))
        let type = strings.string(for: try reader.readBytes(Int(try reader.read(UInt16.self))))
        let metadataCount = Int(try reader.read(UInt16.self))
        var metadata: [String: String] = [:]
        if metadataCount > 0 {
            metadata.reserveCapacity(metadataCount)
            for _ in 0..<metadataCount {
                let key = try reader.readString(length: Int(try reader.read(UInt16.self)))
                metadata[key] = try reader.readString(length: Int(try reader.read(UInt16.self)))
            }
        }
        let body = Array(try reader.readBytes(Int(try reader.read(UInt32.self))))
        return LogRecord(
            position: LogPosition(position), stream: stream, streamVersion: version, recordedAtMicros: recordedAt,
            type: type, schemaVersion: schemaVersion, eventID: EventID(high: high, low: low), metadata: metadata,
            body: body)
    }
}
