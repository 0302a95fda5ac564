import Foundation
import Testing
import TestSupport
import Workload

@testable import EventLog

@Suite struct DictionaryTests {
    /// Appends corpus events until a dictionary is trained, then more that must use it.
    private func trainedLog(in dir: String) async throws -> [String] {
        var corpus = AgentCorpus(seed: 7)
        let events = corpus.events(totalBytes: 600_000)
        let log = try EventLog(directory: dir, configuration: LogFixtures.configuration(training: .afterSampleBytes(200_000)))
        var bodies: [String] = []
        for chunk in stride(from: 0, to: events.count, by: 20) {
            let slice = events[chunk..<min(chunk + 20, events.count)]
            for (session, event) in slice {
                _ = try await log.append([ProposedRecord(type: event.type, body: event.body)], to: session)
                bodies.append(String(decoding: event.body, as: UTF8.self))
            }
            // Let background training finish before the rest, so later frames must use it.
            if log.dictionaries.active == nil, log.writer.withLock({ $0?.samples.isEmpty ?? true }) {
                await log.maintenanceFinished()
            }
        }
        await log.close()
        return bodies
    }

    @Test func aTrainedDictionaryIsStoredAndUsedByLaterFrames() async throws {
        try await withTemporaryDirectory { dir in
            let bodies = try await trainedLog(in: dir)
            let dictionaryFile = dir + "/" + SegmentName.dictionary(id: 1)
            #expect(FileManager.default.fileExists(atPath: dictionaryFile))
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let usingDictionary = try LogFixtures.segmentFiles(in: dir).flatMap(Self.frameHeaders).filter { $0.dictionaryID == 1 }
            #expect(!usingDictionary.isEmpty)
            let records = try await log.read(from: LogPosition(1), limit: bodies.count + 1)
            #expect(records.map { String(decoding: $0.body, as: UTF8.self) } == bodies)
            await log.close()
        }
    }

    @Test func aMissingDictionaryFileIsAClearError() async throws {
        try await withTemporaryDirectory { dir in
            _ = try await trainedLog(in: dir)
            let dictionaryFile = dir + "/" + SegmentName.dictionary(id: 1)
            try FileManager.default.removeItem(atPath: dictionaryFile)
            #expect {
                _ = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            } throws: { error in
                guard case EventLogError.missingDictionary(1, let file) = error else { return false }
                return file == dictionaryFile
            }
        }
    }

    @Test func aDamagedDictionaryFileIsAClearError() async throws {
        try await withTemporaryDirectory { dir in
            _ = try await trainedLog(in: dir)
            LogFixtures.flipByte(dir + "/" + SegmentName.dictionary(id: 1), at: 100)
            #expect(throws: EventLogError.self) {
                _ = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            }
        }
    }

    static func frameHeaders(_ path: String) throws -> [FrameHeader] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var headers: [FrameHeader] = []
        var offset = SegmentHeader.size
        while offset < bytes.count {
            let header = try bytes.withUnsafeBytes { try FrameHeader.parse(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            headers.append(header)
            offset += FrameHeader.size + Int(header.storedLength)
        }
        return headers
    }
}
