import Foundation
import TestSupport
import Testing

@testable import EventLog

/// Hostile frames and records: every one is answered with an `EventLogError`, never a trap, an allocation sized
/// by an unchecked length field, or a hang. The committed fuzz corpus (tools/fuzz/corpus/frames, which also keeps
/// every input the fuzzer ever crashed on) is replayed here, so a fixed crash stays fixed without the fuzzer.
@Suite struct UntrustedBytesTests {
    static let corpus = Repository.url("tools/fuzz/corpus/frames")

    static func corpusInputs() throws -> [(name: String, bytes: [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().map { name in
            (name, Array(try Data(contentsOf: corpus.appendingPathComponent(name))))
        }
    }

    /// Runs one input the way the fuzz target does (tools/fuzz/frames): its first byte selects the decoder.
    @discardableResult
    static func decode(_ input: [UInt8]) -> Result<[LogRecord], EventLogError> {
        guard let selector = input.first else { return .success([]) }
        let rest = Array(input.dropFirst())
        do {
            switch selector % 3 {
            case 0: return .success(try rest.withUnsafeBytes { try UntrustedBytes.decodeRecords($0) })
            case 1: return .success(try rest.withUnsafeBytes { try UntrustedBytes.decodeFrame($0) })
            default: return .success(try UntrustedBytes.scanSegment(rest).records)
            }
        } catch {
            // `withUnsafeBytes` rethrows untyped; the decoders throw nothing but `EventLogError`.
            return .failure(error as! EventLogError)
        }
    }

    static func record(_ position: UInt64, body: String = #"{"text":"hello"}"#) -> LogRecord {
        LogRecord(
            position: LogPosition(position), stream: "session-1", streamVersion: position, recordedAtMicros: 1,
            type: "message.appended", schemaVersion: 1, eventID: .random(), metadata: ["request.id": "r"],
            body: Array(body.utf8))
    }

    static func rawPayload(_ records: [LogRecord]) -> [UInt8] {
        var writer = ByteWriter()
        for record in records { RecordCodec.encode(record, into: &writer) }
        return writer.bytes
    }

    /// A frame's bytes (header + payload) with a correct checksum and whatever header fields the test wants.
    static func frame(
        payload: [UInt8], compressed: Bool, firstPosition: UInt64 = 1, recordCount: UInt32 = 1, rawLength: UInt32
    ) -> [UInt8] {
        let header = FrameHeader.sealing(
            payload: payload, flags: compressed ? FrameHeader.compressedFlag : 0, firstPosition: firstPosition,
            recordCount: recordCount, rawLength: rawLength, dictionaryID: 0, previousChecksum: 0)
        return header.encoded() + payload
    }

    static func corruptionReason(_ result: Result<[LogRecord], EventLogError>) -> String? {
        guard case .failure(.corruption(_, _, let reason)) = result else { return nil }
        return reason
    }

    @Test func theCommittedCorpusDecodesWithoutTrapping() throws {
        let inputs = try Self.corpusInputs()
        #expect(inputs.count >= 10)
        for (name, bytes) in inputs {
            let result = Self.decode(bytes)
            // The seeds cut from a real log decode to records; crash inputs only have to fail cleanly.
            if name.hasPrefix("frame-") || name.hasPrefix("records-") || name.hasPrefix("segment-") {
                let records = try result.get()
                #expect(!records.isEmpty, "\(name)")
            }
        }
    }

    @Test func everyPrefixOfARealFrameIsDecodedOrRefused() throws {
        let (_, bytes) = try #require(try Self.corpusInputs().first { $0.name.hasPrefix("frame-") })
        for end in 1..<bytes.count {
            #expect(throws: EventLogError.self) { try Self.decode(Array(bytes[..<end])).get() }
        }
    }

    @Test func aRawLengthNoPayloadCouldHoldIsRefusedBeforeAllocating() throws {
        let payload = Self.rawPayload([Self.record(1)])
        let compressed = try ZstdCompressor(level: 3).compress(payload, dictionary: nil)
        let hostile = Self.frame(payload: compressed, compressed: true, rawLength: UInt32.max)
        let reason = Self.corruptionReason(Self.decode([1] + hostile))
        #expect(reason?.contains("impossible for a payload of \(compressed.count) bytes") == true)
    }

    @Test func aRawLengthOtherThanTheZstdContentSizeIsRefused() throws {
        let payload = Self.rawPayload([Self.record(1)])
        let compressed = try ZstdCompressor(level: 3).compress(payload, dictionary: nil)
        let hostile = Self.frame(payload: compressed, compressed: true, rawLength: UInt32(payload.count + 1000))
        let reason = Self.corruptionReason(Self.decode([1] + hostile))
        #expect(reason?.contains("declares \(payload.count) bytes") == true)
        let notZstd = Self.frame(payload: payload, compressed: true, rawLength: UInt32(payload.count))
        #expect(Self.corruptionReason(Self.decode([1] + notZstd))?.contains("not a zstd frame") == true)
    }

    @Test func anUncompressedFrameMustHoldExactlyItsRawLength() throws {
        let payload = Self.rawPayload([Self.record(1)])
        let honest = Self.frame(payload: payload, compressed: false, rawLength: UInt32(payload.count))
        #expect(try Self.decode([1] + honest).get().map(\.position) == [LogPosition(1)])
        let hostile = Self.frame(payload: payload, compressed: false, rawLength: UInt32(payload.count) * 64)
        #expect(Self.corruptionReason(Self.decode([1] + hostile))?.contains("uncompressed frame") == true)
    }

    @Test func positionsPastTheEndOfThePositionSpaceAreRefused() {
        let payload = Self.rawPayload([Self.record(UInt64.max)])
        let hostile = Self.frame(
            payload: payload, compressed: false, firstPosition: UInt64.max, recordCount: 2, rawLength: UInt32(payload.count))
        #expect(Self.corruptionReason(Self.decode([1] + hostile))?.contains("overflow") == true)
    }

    @Test func recordLengthsLongerThanThePayloadAreRefused() {
        var payload = Self.rawPayload([Self.record(1)])
        payload.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0x7F])
        #expect(Self.corruptionReason(Self.decode([0] + payload)) != nil)
        // A body length field claiming 4 GiB inside a record of the right total length.
        var body = Self.rawPayload([Self.record(1, body: "")])
        body.replaceSubrange((body.count - 4)..<body.count, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Self.corruptionReason(Self.decode([0] + body)) != nil)
    }

    @Test func aSegmentWithABadHeaderIsRefusedAndATornFrameStopsTheScan() throws {
        #expect(Self.corruptionReason(Self.decode([2] + Array(repeating: 0, count: 100))) == "bad segment header")
        let (_, segment) = try #require(try Self.corpusInputs().first { $0.name.hasPrefix("segment-") })
        let whole = try UntrustedBytes.scanSegment(Array(segment.dropFirst()))
        #expect(whole.stop == nil)
        let torn = try UntrustedBytes.scanSegment(Array(segment.dropFirst().dropLast(3)))
        #expect(torn.stop?.contains("incomplete frame") == true)
        #expect(torn.records.count < whole.records.count)
    }
}
