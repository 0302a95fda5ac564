import Foundation
import Testing
import TestSupport

@testable import EventLog

/// The records a log keeps in memory after committing them, for readers at its end (the replay loop).
@Suite struct RecentRecordsTests {
    static func records(_ positions: ClosedRange<UInt64>, bodyBytes: Int = 8) -> [LogRecord] {
        positions.map { position in
            LogRecord(
                position: LogPosition(position), stream: "s", streamVersion: position, recordedAtMicros: Int64(position),
                type: "test.event", schemaVersion: 1, eventID: .random(), metadata: [:],
                body: [UInt8](repeating: 0x61, count: bodyBytes))
        }
    }

    @Test func answersFromItsFirstRecordOnAndSendsEarlierReadsToTheSegments() {
        var recent = RecentRecords()
        #expect(recent.records(from: LogPosition(1), limit: 10) == nil)
        recent.add(Self.records(1...5))
        recent.add(Self.records(6...9))
        #expect(recent.records(from: LogPosition(3), limit: 4).map { $0.map(\.position.rawValue) } == [3, 4, 5, 6])
        #expect(recent.records(from: LogPosition(0), limit: 2).map { $0.map(\.position.rawValue) } == [1, 2])
        #expect(recent.records(from: LogPosition(10), limit: 5)?.isEmpty == true)
        #expect(recent.records(from: LogPosition(20), limit: 5)?.isEmpty == true)
    }

    @Test func keepsOnlyTheNewestRecordsWithinItsBounds() {
        var recent = RecentRecords()
        let total = UInt64(RecentRecords.maximumCount * 3 + 17)
        for start in stride(from: UInt64(1), through: total, by: 100) {
            recent.add(Self.records(start...min(start + 99, total)))
        }
        let firstKept = total - UInt64(RecentRecords.maximumCount) + 1
        #expect(recent.records(from: LogPosition(firstKept - 1), limit: 1) == nil)
        #expect(recent.records(from: LogPosition(firstKept), limit: 1)?.first?.position.rawValue == firstKept)
        #expect(recent.records(from: LogPosition(total), limit: 9)?.map(\.position.rawValue) == [total])

        var large = RecentRecords()
        let body = RecentRecords.maximumBytes / 3
        large.add(Self.records(1...2, bodyBytes: body))
        large.add(Self.records(3...4, bodyBytes: body))
        #expect(large.records(from: LogPosition(2), limit: 9) == nil)
        #expect(large.records(from: LogPosition(3), limit: 9)?.map(\.position.rawValue) == [3, 4])
    }

    /// Large bodies dropped for the byte bound are released, not held until a thousand records were dropped.
    @Test func droppedLargeRecordsAreReleased() {
        var recent = RecentRecords()
        for position in UInt64(1)...1100 {
            recent.add(Self.records(position...position, bodyBytes: 64 << 10))
            #expect(recent.heldBytes <= 2 * RecentRecords.maximumBytes + (64 << 10) + 256)
        }
        #expect(recent.records(from: LogPosition(1100), limit: 1)?.first?.position.rawValue == 1100)
    }

    @Test func anUnboundedLimitReadsToTheEnd() {
        var recent = RecentRecords()
        recent.add(Self.records(1...3))
        #expect(recent.records(from: LogPosition(2), limit: .max)?.map(\.position.rawValue) == [2, 3])
        #expect(recent.records(from: LogPosition(2), limit: 0)?.isEmpty == true)
    }

    @Test func aGapOrARemovalForgetsWhatWasKept() {
        var recent = RecentRecords()
        recent.add(Self.records(1...3))
        recent.add(Self.records(7...8))
        #expect(recent.records(from: LogPosition(2), limit: 9) == nil)
        #expect(recent.records(from: LogPosition(7), limit: 9)?.count == 2)
        recent.removeAll()
        #expect(recent.records(from: LogPosition(7), limit: 9) == nil)
    }

    @Test func aReadAtTheLogsEndGivesWhatTheSegmentsHold() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 4096))
            for i in 0..<200 {
                _ = try await log.append([LogFixtures.record("turn \(i)"), LogFixtures.record("tool \(i)")], to: "s\(i % 7)")
            }
            let fromMemory = try await log.read(from: LogPosition(321), limit: 1000)
            let tail = try await log.read(from: LogPosition(400), limit: 5)
            await log.close()
            let reopened = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 4096))
            let fromDisk = try await reopened.read(from: LogPosition(321), limit: 1000)
            #expect(fromMemory.count == 80)
            #expect(fromMemory == fromDisk)
            #expect(tail.map(\.position.rawValue) == [400])
            await reopened.close()
        }
    }
}
