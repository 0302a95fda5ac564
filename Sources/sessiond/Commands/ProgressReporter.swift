import Foundation
import Projections
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Prints the progress of a long command: a redrawn bar with counts, rate and ETA on a terminal, a plain line
/// every few seconds otherwise (logs, CI).
final class ProgressReporter: Sendable {
    private let label: String
    private let unit: String
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private let started = Date()
    private let lastPrint = Mutex<Double>(-1)

    /// A reporter whose lines start with `label` (e.g. `rebuild`) and count `unit` (e.g. `events`).
    init(label: String = "rebuild", unit: String = "events") {
        self.label = label
        self.unit = unit
    }

    func report(_ progress: RebuildProgress) {
        report(done: progress.applied, of: progress.total, elapsed: progress.elapsed)
    }

    /// Reports `done` of `total`, timed from the reporter's creation unless `elapsed` is given.
    func report(done: UInt64, of total: UInt64, elapsed: Double? = nil) {
        let elapsed = elapsed ?? Date().timeIntervalSince(started)
        let interval = isTerminal ? 0.1 : 2.0
        let due = lastPrint.withLock { last in
            guard elapsed - last >= interval || done == total else { return false }
            last = elapsed
            return true
        }
        guard due else { return }
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? "\(Int((Double(total - min(done, total)) / rate).rounded()))s" : "?"
        let figures = "\(done)/\(total) \(unit) · \(Int(rate)) \(unit)/s · ETA \(eta)"
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardOutput.write(Data("\r[\(bar)] \(Int(fraction * 100))% \(figures)   ".utf8))
        } else {
            FileHandle.standardOutput.write(Data("\(label): \(Int(fraction * 100))% \(figures)\n".utf8))
        }
    }

    /// Ends the redrawn line on a terminal.
    func finish() {
        if isTerminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
