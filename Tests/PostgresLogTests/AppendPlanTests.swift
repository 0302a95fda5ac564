import EventLog
import Testing

@testable import PostgresLog

/// The decisions an append transaction makes under the head lock, without a server.
@Suite struct AppendPlanTests {
    private let head = AppendPlan.Head(end: 10, lastChecksum: 7, lastRecordedAt: 1_000)

    private func request(_ stream: String, _ ids: [EventID], expected: ExpectedVersion = .any) -> AppendPlan.Request {
        AppendPlan.Request(
            records: ids.map { ProposedRecord(eventID: $0, type: "t", body: []) }, stream: stream, expectedVersion: expected)
    }

    @Test func appendsOfOneBatchSeeEachOther() throws {
        let a = [EventID.random(), EventID.random()], b = [EventID.random()]
        let plan = AppendPlan(
            [request("s", a, expected: .exact(3)), request("s", b, expected: .exact(5)), request("t", [.random()])],
            head: head, versions: ["s": 3], known: [:], now: 500)
        #expect(plan.records.map(\.position.rawValue) == [11, 12, 13, 14])
        #expect(plan.records.map(\.streamVersion) == [4, 5, 6, 1])
        // Times never go back, even when the clock does.
        #expect(plan.records.map(\.recordedAtMicros) == [1_001, 1_002, 1_003, 1_004])
        #expect(try plan.outcomes.map { try $0.get().streamVersion } == [5, 6, 1])
        #expect(plan.head.end == 14)
        // Each answer carries the records it stored, so the writer folds them without reading the stream back.
        #expect(try plan.outcomes.map { try $0.get().records } == [Array(plan.records[0..<2]), [plan.records[2]], [plan.records[3]]])
        #expect(try plan.outcomes.map { try $0.get().records.map(\.position) } == plan.outcomes.map { try $0.get().positions })
    }

    @Test func aRetryInTheSameBatchGetsTheFirstPositions() throws {
        let ids = [EventID.random()]
        let plan = AppendPlan(
            [request("s", ids), request("s", ids)], head: head, versions: [:], known: [:], now: 2_000)
        #expect(plan.records.count == 1)
        let first = try plan.outcomes[0].get(), second = try plan.outcomes[1].get()
        #expect(!first.deduplicated && second.deduplicated)
        #expect(second.positions == first.positions)
    }

    @Test func conflictsFailOnlyTheirOwnAppend() throws {
        let known = EventID.random()
        let plan = AppendPlan(
            [
                request("s", [.random()], expected: .noStream),
                request("s", [known, .random()]),
                request("other", [known]),
                request("u", [.random()], expected: .noStream),
            ],
            head: head, versions: ["s": 2], known: [known: .init(position: 4, stream: "s", streamVersion: 2)], now: 2_000)
        guard case .failure(.wrongExpectedVersion(_, _, let actual)) = plan.outcomes[0] else {
            Issue.record("expected a version conflict, got \(plan.outcomes[0])")
            return
        }
        #expect(actual == 2)
        guard case .failure(.idempotencyConflict) = plan.outcomes[1], case .failure(.idempotencyConflict) = plan.outcomes[2]
        else {
            Issue.record("expected idempotency conflicts, got \(plan.outcomes)")
            return
        }
        #expect(try plan.outcomes[3].get().positions == [LogPosition(11)])
        #expect(plan.records.count == 1)
    }
}
