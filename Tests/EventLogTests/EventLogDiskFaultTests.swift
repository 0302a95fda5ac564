import Foundation
import Synchronization
import Testing
import TestSupport

@testable import EventLog

/// Injected `pwrite` and `fdatasync` failures (ENOSPC, EIO) in the segment writer: the batch is never
/// acknowledged, its bytes are cut off rather than synced again, and the next append works without a reopen.
@Suite struct EventLogDiskFaultTests {
    /// Fails the next `count` calls of `operation` with `code`.
    final class Faults: Sendable {
        let armed = Mutex<(operation: EventLog.SegmentOperation, code: Int32, count: Int)?>(nil)

        func arm(_ operation: EventLog.SegmentOperation, _ code: Int32, count: Int = 1) {
            armed.withLock { $0 = (operation, code, count) }
        }

        func answer(_ operation: EventLog.SegmentOperation) -> Int32? {
            return armed.withLock { armed -> Int32? in
                guard let fault = armed, fault.operation == operation, fault.count > 0 else { return nil }
                armed = fault.count == 1 ? nil : (fault.operation, fault.code, fault.count - 1)
                return fault.code
            }
        }
    }

    private func configuration(_ faults: Faults) -> EventLog.Configuration {
        var configuration = LogFixtures.configuration()
        configuration.durability = .fsync
        configuration.injectedFault = { faults.answer($0) }
        return configuration
    }

    private func expectIOError(_ code: Int32, operation: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("the append was acknowledged although its \(operation) failed")
        } catch let EventLogError.io(failed, _, reported) {
            #expect(failed == operation)
            #expect(reported == code)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [(EventLog.SegmentOperation.write, ENOSPC), (.syncData, ENOSPC), (.syncData, EIO)])
    func aFailedWriteOrSyncIsNeverAcknowledgedAndTheNextAppendWorksWithoutReopen(
        operation: EventLog.SegmentOperation, code: Int32
    ) async throws {
        try await withTemporaryDirectory { dir in
            let faults = Faults()
            let log = try EventLog(directory: dir, configuration: configuration(faults))
            _ = try await log.append([LogFixtures.record("kept")], to: "s")
            let segment = LogFixtures.segmentFiles(in: dir)[0]
            let durableSize = LogFixtures.fileSize(segment)

            faults.arm(operation, code)
            await expectIOError(code, operation: operation == .write ? "pwrite" : "fdatasync") {
                _ = try await log.append([LogFixtures.record("lost")], to: "s")
            }
            // The failed batch's bytes are gone from the file, not left to be synced by a later batch.
            #expect(LogFixtures.fileSize(segment) == durableSize)
            #expect(try await log.durableEnd() == LogPosition(1))

            let next = try await log.append([LogFixtures.record("after")], to: "s", expectedVersion: .exact(1))
            #expect(next.positions == [LogPosition(2)])
            await log.close()

            let reopened = try EventLog(directory: dir, configuration: LogFixtures.configuration())
            let records = try await reopened.read(from: LogPosition(1), limit: 10)
            #expect(records.map(LogFixtures.text) == ["kept", "after"])
            await reopened.close()
        }
    }

    @Test func aFailedSyncOfTheSegmentARollSealsLeavesNoNextSegmentAndTheRollIsRetried() async throws {
        try await withTemporaryDirectory { dir in
            let faults = Faults()
            var configuration = configuration(faults)
            configuration.segmentSize = 256
            let log = try EventLog(directory: dir, configuration: configuration)
            var texts: [String] = []
            while LogFixtures.segmentFiles(in: dir).count == 1,
                LogFixtures.fileSize(LogFixtures.segmentFiles(in: dir)[0]) < 256
            {
                texts.append("record \(texts.count) filling the first segment")
                _ = try await log.append([LogFixtures.record(texts.last!)], to: "s")
            }
            faults.arm(.seal, EIO)
            await expectIOError(EIO, operation: "fsync") {
                _ = try await log.append([LogFixtures.record("lost")], to: "s")
            }
            #expect(LogFixtures.segmentFiles(in: dir).count == 1)
            texts.append("after")
            _ = try await log.append([LogFixtures.record("after")], to: "s")
            #expect(LogFixtures.segmentFiles(in: dir).count == 2)
            await log.close()

            let reopened = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 256))
            let records = try await reopened.read(from: LogPosition(1), limit: 100)
            #expect(records.map(LogFixtures.text) == texts)
            await reopened.close()
        }
    }

    @Test func everyAppenderOfAFailedBatchGetsTheErrorAndNoneIsAcknowledged() async throws {
        try await withTemporaryDirectory { dir in
            let faults = Faults()
            let log = try EventLog(directory: dir, configuration: configuration(faults))
            _ = try await log.append([LogFixtures.record("kept")], to: "s0")
            // Enough failures that every concurrent appender meets one, whichever batch it lands in.
            faults.arm(.syncData, EIO, count: 1_000)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<16 {
                    group.addTask { (try? await log.append([LogFixtures.record("lost \(i)")], to: "s\(i)")) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.allSatisfy { !$0 })
            faults.arm(.syncData, EIO, count: 0)
            _ = try await log.append([LogFixtures.record("after")], to: "s0")
            let records = try await log.read(from: LogPosition(1), limit: 100)
            #expect(records.map(LogFixtures.text) == ["kept", "after"])
            await log.close()
        }
    }

    @Test func aFailedSyncIsNotRetriedOnTheSameBytes() async throws {
        try await withTemporaryDirectory { dir in
            let faults = Faults()
            let log = try EventLog(directory: dir, configuration: configuration(faults))
            faults.arm(.syncData, EIO)
            await expectIOError(EIO, operation: "fdatasync") {
                _ = try await log.append([LogFixtures.record("lost")], to: "s")
            }
            let segment = LogFixtures.segmentFiles(in: dir)[0]
            // Only the header is left: the failed frame was cut, so no later sync can make it durable.
            #expect(LogFixtures.fileSize(segment) == UInt64(SegmentHeader.size))
            #expect(try await log.read(from: LogPosition(1), limit: 10).isEmpty)
            await log.close()
        }
    }
}
