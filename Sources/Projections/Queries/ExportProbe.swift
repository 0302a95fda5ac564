import Synchronization

/// What an export's ``ExportPipeline`` did with threads, for tests: the workers it dispatched, and those
/// dispatched that have not returned yet (queued or running).
final class ExportProbe: Sendable {
    private let dispatchedCount = Atomic(0)
    private let unfinishedCount = Atomic(0)

    var dispatchedWorkers: Int { dispatchedCount.load(ordering: .acquiring) }
    var unfinishedWorkers: Int { unfinishedCount.load(ordering: .acquiring) }

    func dispatched() {
        dispatchedCount.add(1, ordering: .relaxed)
        unfinishedCount.add(1, ordering: .releasing)
    }

    func returned() { unfinishedCount.subtract(1, ordering: .releasing) }
}
