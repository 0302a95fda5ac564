import Foundation
import Synchronization

/// An export's messages rendered while they are still being read (decision 0128): the scan hands over a
/// segment every so many live messages, and worker threads render the segments as they come, so that SQLite's
/// steps on the reading thread overlap the joins and decompression on the others. Once the scan ends, the
/// reading thread renders the segments no worker has started, then waits for the rest.
///
/// Workers start with the first segment handed over: an export of one segment renders on the reading thread.
final class ExportPipeline: Sendable {
    private struct State: ~Copyable {
        var segments: [ExportMessageBatch?] = []
        var pieces: [[UInt8]] = []
        /// The next segment no thread has claimed.
        var next = 0
        var finished = false
        var workersStarted = false
    }

    private enum Claim {
        case segment(Int, ExportMessageBatch)
        case wait
        case done
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let workers = DispatchGroup()
    private let workerCount: Int

    /// A pipeline with `workers` threads besides the reading one (none: everything renders on the reader).
    init(workers: Int) {
        workerCount = max(0, workers)
    }

    /// Hands over a segment read in full; it renders on a worker or, at ``finish()``, on the reading thread.
    func submit(_ segment: ExportMessageBatch) {
        let startWorkers = state.withLock { state in
            state.segments.append(segment)
            state.pieces.append([])
            defer { state.workersStarted = true }
            return !state.workersStarted
        }
        guard workerCount > 0 else { return }
        if startWorkers {
            for _ in 0..<workerCount {
                DispatchQueue.global(qos: .userInitiated).async(group: workers) { self.work() }
            }
        }
        available.signal()
    }

    /// The rendered segments in order, once all are: called by the reading thread after the last ``submit(_:)``.
    func finish() -> [[UInt8]] {
        let started = state.withLock { state in
            state.finished = true
            return state.workersStarted
        }
        if started, workerCount > 0 {
            for _ in 0..<workerCount { available.signal() }
        }
        while case .segment(let index, let segment) = claim() { render(index, segment) }
        workers.wait()
        return state.withLock { state in
            defer { state.pieces = [] }
            return state.pieces
        }
    }

    private func work() {
        while true {
            available.wait()
            switch claim() {
            case .segment(let index, let segment): render(index, segment)
            case .wait: continue
            case .done: return
            }
        }
    }

    private func claim() -> Claim {
        state.withLock { state in
            guard state.next < state.segments.count else { return state.finished ? .done : .wait }
            let index = state.next
            state.next += 1
            defer { state.segments[index] = nil }
            return .segment(index, state.segments[index]!)
        }
    }

    private func render(_ index: Int, _ segment: ExportMessageBatch) {
        let piece = segment.rendered()
        state.withLock { $0.pieces[index] = piece }
    }
}
