import Foundation
import Synchronization

/// An export's messages rendered while they are still being read (decision 0128): the scan hands over a
/// segment every so many live messages, and worker threads render the segments as they come, so that SQLite's
/// steps on the reading thread overlap the joins and decompression on the others. Once the scan ends, the
/// reading thread renders the segments no worker has started, then waits for the rest.
///
/// Workers start with the first segment handed over before the last: an export of one segment renders on the
/// reading thread and dispatches nothing. The reading thread waits only for segments a worker has claimed,
/// never for a worker to start: on a busy dispatch pool, a late worker finds nothing left and returns.
/// A scan that fails ``abandon()``s the pipeline, which releases every worker.
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
    /// Entered for each claimed segment until its piece is stored.
    private let inFlight = DispatchGroup()
    private let workerCount: Int
    private let probe: ExportProbe?

    /// A pipeline with `workers` threads besides the reading one (none: everything renders on the reader);
    /// `probe` counts the workers dispatched and running (tests).
    init(workers: Int, probe: ExportProbe? = nil) {
        workerCount = max(0, workers)
        self.probe = probe
    }

    /// Hands over a segment read in full that is not the last; it renders on a worker or, at
    /// ``finish(last:)``, on the reading thread.
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
                probe?.dispatched()
                DispatchQueue.global(qos: .userInitiated).async { self.work() }
            }
        }
        available.signal()
    }

    /// The rendered segments in order, `last` included, once all are: called by the reading thread when the
    /// scan ended. `last` renders on the reading thread unless a worker is idle.
    func finish(last: ExportMessageBatch) -> [[UInt8]] {
        let started = state.withLock { state in
            state.segments.append(last)
            state.pieces.append([])
            return state.workersStarted
        }
        // Every segment a started worker may claim comes with a signal, or a worker claiming `last` would
        // find none left for its final wait.
        if started, workerCount > 0 { available.signal() }
        close()
        while case .segment(let index, let segment) = claim() { render(index, segment) }
        inFlight.wait()
        return state.withLock { state in
            defer { state.pieces = [] }
            return state.pieces
        }
    }

    /// Ends a pipeline whose scan failed: no segment left is rendered, every worker is released, and the
    /// segments already claimed are waited for, so that nothing outlives the export.
    func abandon() {
        state.withLock { $0.next = $0.segments.count }
        close()
        inFlight.wait()
        let pieces = state.withLock { state in
            defer { state.pieces = [] }
            return state.pieces
        }
        for piece in pieces { RenderBuffers.give(piece) }
    }

    /// Marks the pipeline finished and wakes every worker, so that each claims what is left or returns.
    private func close() {
        let started = state.withLock { state in
            state.finished = true
            return state.workersStarted
        }
        if started, workerCount > 0 {
            for _ in 0..<workerCount { available.signal() }
        }
    }

    private func work() {
        defer { probe?.returned() }
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
            inFlight.enter()
            defer { state.segments[index] = nil }
            return .segment(index, state.segments[index]!)
        }
    }

    private func render(_ index: Int, _ segment: ExportMessageBatch) {
        let piece = segment.rendered()
        state.withLock { $0.pieces[index] = piece }
        inFlight.leave()
    }
}
