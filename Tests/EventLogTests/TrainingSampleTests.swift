import Testing
import TestSupport

@testable import EventLog

/// The samples kept for dictionary training cost what their bytes cost.
@Suite struct TrainingSampleTests {
    @Test func samplesOfSingleRecordFramesDoNotPinTheFrameBuffer() async throws {
        try await withTemporaryDirectory { dir in
            let created = try SegmentHeader(firstPosition: 1, createdAtMicros: 0).createSegment(in: dir)
            let writer = SegmentWriter(
                file: created.file, segmentIndex: 0, offset: UInt64(SegmentHeader.size), chain: 0, level: 3,
                sampleBudget: 1 << 30)
            let configuration = LogFixtures.configuration()
            let dictionaries = DictionaryStore(directory: dir, level: 3)
            for position in 1...200 {
                let record = LogRecord(
                    position: LogPosition(UInt64(position)), stream: "s", streamVersion: UInt64(position),
                    recordedAtMicros: 0, type: "t", schemaVersion: 1, eventID: .random(), metadata: [:],
                    body: Array(#"{"text":"short"}"#.utf8))
                _ = try writer.write([record], configuration: configuration, dictionaries: dictionaries, directory: dir)
            }
            #expect(writer.samples.count == 200)
            let kept = writer.samples.reduce(0) { $0 + $1.capacity }
            let bytes = writer.samples.reduce(0) { $0 + $1.count }
            // Each sample is one small record; before the fix each one held the frame's 64 KiB buffer.
            #expect(kept <= 2 * bytes, "samples hold \(kept) bytes of capacity for \(bytes) bytes of records")
            created.file.close()
        }
    }
}
