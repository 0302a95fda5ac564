import Foundation
import Sessions
import Synchronization

/// A fixed instant all tests count from: 2026-01-01T00:00:00Z.
let t0 = Date(timeIntervalSince1970: 1_767_225_600)

/// `t0` plus some seconds.
func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

/// Deterministic ids `id-1`, `id-2`, … for one test.
final class IDSequence: Sendable {
    private let counter = Mutex(0)

    /// The next id.
    func next() -> String {
        counter.withLock { value in
            value += 1
            return "id-\(value)"
        }
    }

    /// A decision context at `now` drawing ids from this sequence.
    func context(now: Date = t0) -> DecisionContext {
        DecisionContext(now: now, makeID: { self.next() })
    }
}

/// A context at `now` whose generator must not be called (commands name their ids).
func fixedContext(now: Date = t0) -> DecisionContext {
    DecisionContext(now: now, makeID: { "generated" })
}
