import EventLog
import Synchronization
import Testing

@testable import PostgresLog

/// `SharedReads` with a query that waits until the test lets it answer: no PostgreSQL needed. Without a cancellable
/// wait the first test would hang until its time limit.
@Suite(.timeLimit(.minutes(1)))
struct SharedReadsTests {
    /// A query that answers when `open()` is called, or ends with `CancellationError` (counted) when its task is
    /// cancelled.
    final class Gate: Sendable {
        private let state = Mutex<(opened: Bool, cancelled: Int)>((false, 0))

        var cancelled: Int { state.withLock { $0.cancelled } }

        func open() { state.withLock { $0.opened = true } }

        /// The query: waits for `open()` while polling its own cancellation.
        func query() async throws -> [LogRecord] {
            while !state.withLock({ $0.opened }) {
                do {
                    try await Task.sleep(for: .milliseconds(5))
                } catch {
                    state.withLock { $0.cancelled += 1 }
                    throw error
                }
            }
            return []
        }
    }

    static let key = SharedReads.Key(start: 1, limit: 100)

    /// Waits until `reads` counts `count` queries started.
    static func started(_ count: Int, _ reads: SharedReads) async throws {
        while reads.queries < count { try await Task.sleep(for: .milliseconds(1)) }
    }

    @Test func aCancelledCallerStopsWaitingWhileTheQueryGoesOnForTheOthers() async throws {
        let reads = SharedReads()
        let gate = Gate()
        let staying = Task { try await reads.read(Self.key, knownEnd: 5) { try await gate.query() } }
        try await Self.started(1, reads)
        let leaving = Task { try await reads.read(Self.key, knownEnd: 5) { try await gate.query() } }
        try await Task.sleep(for: .milliseconds(20))
        leaving.cancel()
        // Before the fix this waited for the query, which never ends until the gate opens.
        await #expect(throws: CancellationError.self) { try await leaving.value }
        #expect(reads.queries == 1)
        gate.open()
        #expect(try await staying.value == [])
        #expect(gate.cancelled == 0)
    }

    @Test func aQueryEveryCallerLeftIsNotJoinedAndEndsOnItsOwn() async throws {
        let reads = SharedReads()
        let abandoned = Gate()
        let callers = (0..<3).map { _ in
            Task { try await reads.read(Self.key, knownEnd: 5) { try await abandoned.query() } }
        }
        try await Self.started(1, reads)
        for caller in callers { caller.cancel() }
        for caller in callers { await #expect(throws: CancellationError.self) { try await caller.value } }
        // A later caller starts a query of its own rather than joining the forgotten one.
        let fresh = Gate()
        fresh.open()
        #expect(try await reads.read(Self.key, knownEnd: 5) { try await fresh.query() } == [])
        #expect(reads.queries == 2)
        // The forgotten query was not cancelled (that would close its pooled connection); it ends when it answers.
        abandoned.open()
        try await Task.sleep(for: .milliseconds(20))
        #expect(abandoned.cancelled == 0)
    }

    /// A failed query's error goes to its own callers only: a caller that comes after it failed runs its own query
    /// rather than being handed the error (a transient outage must not outlive the query that met it).
    @Test func aFailedQueryIsNotJoinedAfterItFailed() async throws {
        struct Outage: Error {}
        let reads = SharedReads()
        let gate = Gate()
        let callers = (0..<3).map { _ in
            Task {
                try await reads.read(Self.key, knownEnd: 5) {
                    _ = try await gate.query()
                    throw Outage()
                }
            }
        }
        try await Self.started(1, reads)
        try await Task.sleep(for: .milliseconds(20))
        #expect(reads.queries == 1, "the three callers share one query")
        gate.open()
        for caller in callers { await #expect(throws: Outage.self) { try await caller.value } }
        let queries = reads.queries
        #expect(try await reads.read(Self.key, knownEnd: 5) { [] } == [])
        #expect(reads.queries == queries + 1)
    }

    @Test func callersOfAFreshEnoughQueryShareIt() async throws {
        let reads = SharedReads()
        let gate = Gate()
        let callers = (0..<5).map { _ in
            Task { try await reads.read(Self.key, knownEnd: 5) { try await gate.query() } }
        }
        try await Self.started(1, reads)
        try await Task.sleep(for: .milliseconds(20))
        // A caller that knows a later end needs a newer snapshot.
        let later = Task { try await reads.read(Self.key, knownEnd: 6) { try await gate.query() } }
        try await Self.started(2, reads)
        gate.open()
        for caller in callers + [later] { #expect(try await caller.value == []) }
        #expect(reads.queries == 2)
    }
}
