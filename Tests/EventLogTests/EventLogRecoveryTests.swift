import Foundation
import Testing
import TestSupport

@testable import EventLog

@Suite struct EventLogRecoveryTests {
    /// Writes three frames (one per append, each synced) and returns the byte range of the last one.
    private func threeFrameLog(in dir: String) async throws -> (file: String, lastFrame: Range<UInt64>) {
        var configuration = LogFixtures.configuration()
        configuration.durability = .fsync
        let log = try EventLog(directory: dir, configuration: configuration)
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

    @Test func aCorruptFrameInTheNewestSegmentsLastWriteCutsTheTailFromThere() async throws {
        try await withTemporaryDirectory { dir in
            let (file, lastFrame) = try await threeFrameLog(in: dir)
            LogFixtures.flipByte(file, at: lastFrame.lowerBound + UInt64(FrameHeader.size) + 3)
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            #expect(try await log.durableEnd() == LogPosition(3))
            #expect(log.recoveryReport.truncationReason == "frame checksum mismatch")
            await log.close()
        }
    }

    @Test func damageBeforeTheLastWriteOfTheNewestSegmentIsRefusedNotCut() async throws {
        try await withTemporaryDirectory { root in
            let original = root + "/original"
            let (file, lastFrame) = try await threeFrameLog(in: original)
            let name = (file as NSString).lastPathComponent
            // Every byte of the first two writes (acknowledged: a third write followed them).
            for offset in UInt64(SegmentHeader.size)..<lastFrame.lowerBound {
                let dir = root + "/flip-\(offset)"
                try copyDirectory(original, to: dir)
                LogFixtures.flipByte(dir + "/" + name, at: offset)
                do {
                    let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())
                    Issue.record("flip at \(offset) opened at \(try await log.durableEnd())")
                    await log.close()
                } catch EventLogError.corruption(let reported, let reportedOffset, let reason) {
                    #expect(reported == dir + "/" + name)
                    #expect(reportedOffset <= offset, "flip at \(offset) reported at \(reportedOffset)")
                    // A damaged format version reads as a newer sessiond's frame: refused too.
                    #expect(reason.contains("a later write starts at byte") || reason.contains("newer sessiond"), "\(reason)")
                }
                #expect(LogFixtures.fileSize(dir + "/" + name) == lastFrame.upperBound, "flip at \(offset): file cut")
                try FileManager.default.removeItem(atPath: dir)
            }
        }
    }

    @Test func aTornWriteOfSeveralFramesIsCutAtItsFirstDamagedFrame() async throws {
        try await withTemporaryDirectory { root in
            let original = root + "/original"
            var configuration = LogFixtures.configuration()
            configuration.durability = .fsync
            configuration.maximumFrameBytes = 64
            let file: String
            let lastWrite: Range<UInt64>
            do {
                let log = try EventLog(directory: original, configuration: configuration)
                _ = try await log.append([LogFixtures.record("one")], to: "s")
                file = LogFixtures.segmentFiles(in: original)[0]
                let start = LogFixtures.fileSize(file)
                let texts = (2...6).map { "record \($0) of one write, long enough to fill a frame of its own" }
                _ = try await log.append(texts.map { LogFixtures.record($0) }, to: "s")
                lastWrite = start..<LogFixtures.fileSize(file)
                await log.close()
            }
            let name = (file as NSString).lastPathComponent
            // The frames of the last write: only the first starts a write.
            var frames: [Range<UInt64>] = []
            let bytes = Array(FileManager.default.contents(atPath: file)!)
            var offset = Int(lastWrite.lowerBound)
            while offset < bytes.count {
                let header = try bytes.withUnsafeBytes { try FrameHeader.parse(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                #expect(header.startsWrite == frames.isEmpty)
                let end = offset + FrameHeader.size + Int(header.storedLength)
                frames.append(UInt64(offset)..<UInt64(end))
                offset = end
            }
            #expect(frames.count == 5)
            // A byte of each of them damaged, as a write torn by a power cut leaves it: cut there, whatever follows.
            for (index, frame) in frames.enumerated() {
                let dir = root + "/torn-\(index)"
                try copyDirectory(original, to: dir)
                LogFixtures.flipByte(dir + "/" + name, at: frame.lowerBound + UInt64(FrameHeader.size) + 2)
                let log = try EventLog(directory: dir, configuration: configuration)
                #expect(try await log.durableEnd() == LogPosition(UInt64(1 + index)), "frame \(index)")
                #expect(log.recoveryReport.truncationReason == "frame checksum mismatch")
                #expect(LogFixtures.fileSize(dir + "/" + name) == frame.lowerBound)
                await log.close()
            }
        }
    }

    @Test func aRefusedOpenLeavesNoFileOpen() async throws {
        try await withTemporaryDirectory { dir in
            let (file, _) = try await threeFrameLog(in: dir)
            // A frame that verifies (checksum and chain) but holds no record: refused as undecodable, mid-scan.
            var bytes = Array(FileManager.default.contents(atPath: file)!.prefix(SegmentHeader.size))
            let chain = bytes[28..<32].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let payload: [UInt8] = Array(repeating: 0xFF, count: 24)
            let header = FrameHeader.sealing(
                payload: payload, flags: FrameHeader.startsWriteFlag, firstPosition: 1, recordCount: 1,
                rawLength: UInt32(payload.count), dictionaryID: 0, previousChecksum: chain)
            bytes += header.encoded() + payload
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let openFiles = { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }
            let before = openFiles()
            for _ in 0..<50 {
                #expect(throws: EventLogError.self) {
                    _ = try EventLog(directory: dir, configuration: LogFixtures.configuration())
                }
            }
            // Other suites run meanwhile and open files too: 50 leaked descriptors would stand out.
            #expect(openFiles() < before + 25)
            #expect(LogFixtures.fileSize(file) == UInt64(bytes.count))
        }
    }

    @Test func aWriterThatDoesNotSyncMarksNoWriteAndItsDamageIsCut() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration())  // durability none
            for text in ["one", "two", "three"] { _ = try await log.append([LogFixtures.record(text)], to: "s") }
            await log.close()
            let file = LogFixtures.segmentFiles(in: dir)[0]
            // After a power cut an unsynced write may be missing while a later one survived: cut, not refused.
            LogFixtures.flipByte(file, at: UInt64(SegmentHeader.size + FrameHeader.size + 2))
            let reopened = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            #expect(try await reopened.durableEnd() == LogPosition(0))
            await reopened.close()
        }
    }

    @Test func aFrameOfANewerFormatIsRefusedNotCut() async throws {
        try await withTemporaryDirectory { dir in
            let (file, lastFrame) = try await threeFrameLog(in: dir)
            let handle = FileHandle(forUpdatingAtPath: file)!
            try handle.seek(toOffset: lastFrame.lowerBound + 4)
            handle.write(Data([2, 0]))
            try handle.close()
            #expect {
                _ = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            } throws: { error in
                guard case EventLogError.corruption(_, let offset, let reason) = error else { return false }
                return offset == lastFrame.lowerBound && reason.contains("newer sessiond")
            }
            #expect(LogFixtures.fileSize(file) == lastFrame.upperBound)
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
