import Testing

@testable import EventLog

@Suite struct RecordCodecTests {
    @Test func recordsRoundTripThroughTheFramePayload() throws {
        let records = [
            LogRecord(
                position: LogPosition(41), stream: "sessión-1", streamVersion: 3, recordedAtMicros: -5, type: "message.appended",
                schemaVersion: 2, eventID: .random(), metadata: ["actor.key": "k1", "request.id": "r"], body: Array("{}".utf8)),
            LogRecord(
                position: LogPosition(42), stream: "s", streamVersion: 1, recordedAtMicros: 1_700_000_000_000_000,
                type: "t", schemaVersion: 1, eventID: .random(), metadata: [:], body: []),
        ]
        var writer = ByteWriter()
        for record in records { RecordCodec.encode(record, into: &writer) }
        #expect(writer.bytes.count == records.map(RecordCodec.encodedLength).reduce(0, +))
        let decoded = try writer.bytes.withUnsafeBytes { try RecordCodec.decodeAll($0) }
        #expect(decoded == records)
    }

    @Test func aShortPayloadIsRejected() {
        var writer = ByteWriter()
        RecordCodec.encode(
            LogRecord(position: LogPosition(1), stream: "s", streamVersion: 1, recordedAtMicros: 0, type: "t", schemaVersion: 1,
                      eventID: .random(), metadata: [:], body: Array("hello".utf8)), into: &writer)
        let cut = Array(writer.bytes.dropLast(2))
        #expect(throws: ByteReader.ShortRead.self) { _ = try cut.withUnsafeBytes { try RecordCodec.decodeAll($0) } }
    }

    @Test func eventIDsKeepTheirUUIDText() {
        let text = "0f1e2d3c-4b5a-4697-8877-66554433aa10"
        #expect(EventID(text)?.description == text)
        #expect(EventID("not-a-uuid") == nil)
    }
}
