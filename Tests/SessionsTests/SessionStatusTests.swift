import Foundation
import Sessions
import Testing

/// Status derived at read time with an injected clock: terminated > archived > idle > active.
struct SessionStatusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var history: [SessionEvent]
        var now: Date
        var expected: SessionStatus
    }

    static let idleTimeout: TimeInterval = 600
    static let sending = SessionEvent.processingStarted(ProcessingStarted())

    // Given(...) records event i at t0 + i seconds.
    static let cases: [Case] = [
        Case(testDescription: "fresh session is active", history: [mixCreated], now: at(10), expected: .active),
        Case(
            testDescription: "just under the idle timeout is active",
            history: [mixCreated, userMessage("m1", "a")],
            now: at(1 + 599.999),
            expected: .active
        ),
        Case(
            testDescription: "at the idle timeout is idle",
            history: [mixCreated, userMessage("m1", "a")],
            now: at(1 + 600),
            expected: .idle
        ),
        Case(
            testDescription: "a user-memory patch is not activity",
            history: [mixCreated, .userMemoryUpdated(UserMemoryUpdated(userMemory: [:]))],
            now: at(600),
            expected: .idle
        ),
        Case(
            testDescription: "processing is active however long it runs",
            history: [mixCreated, sending],
            now: at(86_400),
            expected: .active
        ),
        Case(
            testDescription: "explicit archive beats active",
            history: [mixCreated, .archived(SessionArchived())],
            now: at(3),
            expected: .archived
        ),
        Case(
            testDescription: "at expires_at is archived",
            history: [mixpeekCreated(expiresAt: at(100))],
            now: at(100),
            expected: .archived
        ),
        Case(
            testDescription: "before expires_at is not archived",
            history: [mixpeekCreated(expiresAt: at(100))],
            now: at(99),
            expected: .active
        ),
        Case(
            testDescription: "expiry beats processing",
            history: [mixpeekCreated(expiresAt: at(100)), sending],
            now: at(200),
            expected: .archived
        ),
        Case(
            testDescription: "terminated beats archived",
            history: [
                mixpeekCreated(expiresAt: at(100)), .archived(SessionArchived()), .terminated(SessionTerminated()),
            ],
            now: at(200),
            expected: .terminated
        ),
        Case(
            testDescription: "a deleted session reports terminated",
            history: [mixCreated, .deleted(SessionDeleted(sessionID: sid, namespace: "default"))],
            now: at(5),
            expected: .terminated
        ),
    ]

    @Test(arguments: cases)
    func statusIsDerivedFromEventsAndTheClock(_ testCase: Case) {
        let state = Given(testCase.history).state
        #expect(state.status(now: testCase.now, idleTimeout: Self.idleTimeout) == testCase.expected)
    }

    @Test func theSameStateChangesStatusAsTheClockMoves() {
        let state = Given([mixpeekCreated(expiresAt: at(3600)), userMessage("m1", "a")]).state
        let timeline = [at(2), at(601), at(3600)].map { state.status(now: $0, idleTimeout: Self.idleTimeout) }
        #expect(timeline == [.active, .idle, .archived])
    }
}
