import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

/// Large answers and large batches leave the event loops (decision 0142): the CPU time the loops' threads spend on a
/// long session's audit history or a batch of 1,000 appends stays a small part of what the request costs the process
/// (measured: history 23 % on the loops before, 5 % after; `/v1/events/batch` 48 % before, under 1 % after; a
/// one-session batch 48 % before, 20 % after). CPU time, not wall-clock time, so the machine's load does not decide
/// the outcome. Serialized, so that one test's loop time is not counted in the other's; the process's CPU time also
/// counts other tests running meanwhile, which only lowers the share.
@Suite(.serialized)
struct HeavyRoutesOffTheLoopTests {
    static let events = 8000
    /// The server's loops, its own: other tests' servers (and the test client) run on SwiftNIO's shared group.
    static let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    @Test func aLongAuditHistoryIsRenderedOffTheLoop() async throws {
        try await withTestApplication(.live, configure: { $0.eventLoopGroup = Self.loops }) { client in
            let id = try await NativeRoutesTests().makeSession(client)
            let items = (0..<1000).map { NativeAppendsTests.item("message \($0) of a long session") }
            let batch = #"{"items":[\#(items.joined(separator: ","))]}"#
            for _ in 0..<(Self.events / 1000 - 1) {
                let appended = try await client.execute(
                    uri: "/v1/sessions/\(id)/events/batch", method: .post, body: jsonBody(batch))
                #expect(appended.status == .created)
            }
            // A one-session batch of 1,000 items is decided off the loop too (measured warm: the first write of a
            // session costs the loop more); its body, under 256 KiB, is parsed on the loop (decision 0142).
            let (batchLoops, batchAll) = try await Self.cpuTime {
                let appended = try await client.execute(
                    uri: "/v1/sessions/\(id)/events/batch", method: .post, body: jsonBody(batch))
                #expect(appended.status == .created)
            }
            #expect(batchLoops < batchAll / 3, "event loops \(batchLoops) of \(batchAll) for a batch")
            var history: TestResponse?
            let (loops, all) = try await Self.cpuTime {
                history = try await client.execute(uri: "/v1/sessions/\(id)/events", method: .get)
            }
            // Parsed outside the measure: the test's own work would dilute the loops' share.
            #expect(try #require(history).jsonArray.count > Self.events)
            #expect(loops < all / 10, "event loops \(loops) of \(all)")
        }
    }

    @Test func aLargeBatchOfAppendsIsDecidedOffTheLoop() async throws {
        try await withTestApplication(.live, configure: { $0.eventLoopGroup = Self.loops }) { client in
            var sessions: [String] = []
            for _ in 0..<10 { sessions.append(try await NativeRoutesTests().makeSession(client)) }
            let appends = (0..<1000).map { index in
                let items = (0..<8).map { NativeAppendsTests.item("message \(index).\($0)") }
                let session = sessions[index % sessions.count]
                return #"{"sessionId":"\#(session)","items":[\#(items.joined(separator: ","))]}"#
            }
            let (loops, all) = try await Self.cpuTime {
                let response = try await client.execute(
                    uri: "/v1/events/batch", method: .post,
                    body: jsonBody(#"{"appends":[\#(appends.joined(separator: ","))]}"#))
                #expect(response.status == .ok)
            }
            #expect(loops < all / 10, "event loops \(loops) of \(all)")
        }
    }

    /// The CPU time `body` costs the event loops' threads and the whole process.
    static func cpuTime(_ body: () async throws -> Void) async throws -> (loops: Duration, all: Duration) {
        let (loopsBefore, allBefore) = (try await loopsCPU(), processCPU())
        try await body()
        let (loopsAfter, allAfter) = (try await loopsCPU(), processCPU())
        return (loopsAfter - loopsBefore, allAfter - allBefore)
    }

    private static func loopsCPU() async throws -> Duration {
        var total = Duration.zero
        for loop in loops.makeIterator() {
            total += try await loop.submit { clockTime(CLOCK_THREAD_CPUTIME_ID) }.get()
        }
        return total
    }

    private static func processCPU() -> Duration { clockTime(CLOCK_PROCESS_CPUTIME_ID) }

    private static func clockTime(_ clock: clockid_t) -> Duration {
        var time = timespec()
        clock_gettime(clock, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
}
