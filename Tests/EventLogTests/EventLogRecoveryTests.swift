import Foundation
import Testing
import TestSupport

@testable import EventLog

@Suite struct EventLogRecoveryTests {
    /// Writes three frames (one per append) and returns the byte range of the last one.
    private func threeFrameLog(in dir: String) async throws -> (file: String, lastFrame: Range<UInt64>) {
        let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
        _ = try await log.append([LogFixtures.record("one"), LogFixtures.record("two")], to: "s")
        _ = try await log.append([LogFixtures.record("three")], to: "s")
        let file = LogFixtures.segmentFiles(in: dir)[0]
        let start = LogFixtures.fileSize(file)
        _ = try await log.append(
            [LogFixtures.record("four: a longer body so the frame spans many bytes"), LogFixtures.record("five")], to: "s")
        await log.close()
        return (file, start..<LogFixtures.fileSize(file))
    }

    @Test func truncatingTheLastFrameAtEveryOffsetKeepsExactlyTheCompleteFrames() async throws {
        try await withTemporaryDirectory { root in
            let original = root + "/original"
            let (file, lastFrame) = try await threeFrameLog(in: original)
            let name = (file as NSString).lastPathComponent
            #expect(lastFrame.count > FrameHeader.size)
            for cut in lastFrame.lowerBound...lastFrame.upperBound {
                let dir = root + "/cut-\(cut)"
                try copyDirectory(original, to: dir)
                LogFixtures.truncate(dir + "/" + name, to: cut)
                let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
                let complete = cut == lastFrame.upperBound
                #expect(try await log.durableEnd() == LogPosition(complete ? 5 : 3), "cut at \(cut)")
                #expect(log.recoveryReport.truncatedBytes == (complete ? 0 : cut - lastFrame.lowerBound), "cut at \(cut)")
                #expect(LogFixtures.fileSize(dir + "/" + name) == (complete ? cut : lastFrame.lowerBound))
                let texts = try await log.read(from: LogPosition(1), limit: 10).map(LogFixtures.text)
                #expect(texts.prefix(3) == ["one", "two", "three"])
                // The recovered log takes new appends right after what survived.
                let next = try await log.append([LogFixtures.record("again")], to: "s", expectedVersion: .exact(complete ? 5 : 3))
                #expect(next.positions == [LogPosition(complete ? 6 : 4)])
                await log.close()
                let reopened = try EventLog(directory: dir, configuration: LogFixtures.configuration())
                #expect(reopened.recoveryReport.truncatedBytes == 0)
                #expect(try await reopened.durableEnd() == next.lastPosition)
                await reopened.close()
                try FileManager.default.removeItem(atPath: dir)
            }
        }
    }

    @Test func garbageAfterTheLastFrameIsCut() async throws {
        try await withTemporaryDirectory { dir in
            let (file, lastFrame) = try await threeFrameLog(in: dir)
            let handle = FileHandle(forWritingAtPath: file)!
            try handle.seekToEnd()
            handle.write(Data(repeating: 0, count: 100) + Data("SDFR-not-a-frame".utf8))
            try handle.close()
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            #expect(try await log.durableEnd() == LogPosition(5))
            #expect(log.recoveryReport.truncatedBytes == 116)
            #expect(log.recoveryReport.truncationReason == "no frame magic")
            #expect(LogFixtures.fileSize(file) == lastFrame.upperBound)
            await log.close()
        }
    }

    @Test func aCorruptFrameInTheNewestSegmentCutsTheTailFromThere() async throws {
        try await withTemporaryDirectory { dir in
            let (file, lastFrame) = try await threeFrameLog(in: dir)
            LogFixtures.flipByte(file, at: lastFrame.lowerBound + UInt64(FrameHeader.size) + 3)
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            #expect(try await log.durableEnd() == LogPosition(3))
            #expect(log.recoveryReport.truncationReason == "frame checksum mismatch")
            await log.close()
        }
    }

    @Test func aFlippedByteInASealedSegmentIsCorruptionNamingFileAndOffset() async throws {
        try await withTemporaryDirectory { root in
            let original = root + "/original"
            do {
                let log = try EventLog(directory: original, configuration: LogFixtures.configuration(segmentSize: 1024))
                for i in 0..<40 { _ = try await log.append([LogFixtures.record("record number \(i)")], to: "s") }
                await log.close()
            }
            let segments = LogFixtures.segmentFiles(in: original)
            #expect(segments.count >= 3)
            let sealed = (segments[0] as NSString).lastPathComponent
            let size = LogFixtures.fileSize(segments[0])
            // Every byte of the first sealed segment: header, frame headers, payloads.
            for offset in 0..<size {
                let dir = root + "/flip-\(offset)"
                try copyDirectory(original, to: dir)
                LogFixtures.flipByte(dir + "/" + sealed, at: offset)
                #expect(throws: EventLogError.self, "flip at \(offset)") {
                    _ = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 1024))
                }
                do {
                    _ = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 1024))
                } catch EventLogError.corruption(let file, let reportedOffset, _) {
                    #expect(file == dir + "/" + sealed)
                    #expect(reportedOffset <= offset, "flip at \(offset) reported at \(reportedOffset)")
                    #expect(offset < SegmentHeader.size || reportedOffset >= UInt64(SegmentHeader.size))
                } catch {
                    Issue.record("flip at \(offset): unexpected \(error)")
                }
                try FileManager.default.removeItem(atPath: dir)
            }
        }
    }

    @Test func aMissingSegmentInTheMiddleIsCorruption() async throws {
        try await withTemporaryDirectory { dir in
            do {
                let log = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 1024))
                for i in 0..<40 { _ = try await log.append([LogFixtures.record("record number \(i)")], to: "s") }
                await log.close()
            }
            let segments = LogFixtures.segmentFiles(in: dir)
            try FileManager.default.removeItem(atPath: segments[1])
            #expect {
                _ = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 1024))
            } throws: { error in
                guard case EventLogError.corruption(let file, _, _) = error else { return false }
                return file == segments[2]
            }
        }
    }

    @Test func aSecondOpenOfTheDirectoryIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            #expect {
                _ = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            } throws: { error in
                guard case EventLogError.directoryLocked(let path) = error else { return false }
                return path == dir && "\(error)".contains("in use by another sessiond process")
            }
            await log.close()
            let again = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            await again.close()
        }
    }

    @Test func aSecondProcessCannotTakeTheDirectoryLock() async throws {
        try await withTemporaryDirectory { dir in
            func otherProcessGetsLock() throws -> Bool {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
                process.arguments = ["--nonblock", dir + "/LOCK", "true"]
                try process.run()
                process.waitUntilExit()
                return process.terminationStatus == 0
            }
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            #expect(try otherProcessGetsLock() == false)
            await log.close()
            #expect(try otherProcessGetsLock() == true)
        }
    }

    @Test func anEmptyNewestSegmentLeftByARollIsRemoved() async throws {
        try await withTemporaryDirectory { dir in
            do {
                let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
                _ = try await log.append([LogFixtures.record("a")], to: "s")
                await log.close()
            }
            // A roll that died after creating the next file but before its header was durable.
            _ = FileManager.default.createFile(atPath: dir + "/" + SegmentName.segment(firstPosition: 2), contents: Data([0x53, 0x44]))
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            #expect(log.recoveryReport.truncatedBytes == 2)
            #expect(try await log.durableEnd() == LogPosition(1))
            #expect(LogFixtures.segmentFiles(in: dir).count == 1)
            _ = try await log.append([LogFixtures.record("b")], to: "s")
            await log.close()
        }
    }
}
