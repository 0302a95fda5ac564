import Foundation
import Projections
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Prints rebuild progress: a redrawn bar with events, events/s and ETA on a terminal, a plain line every
/// few seconds otherwise (logs, CI).
final class ProgressReporter: Sendable {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private let lastPrint = Mutex<Double>(-1)

    func report(_ progress: RebuildProgress) {
        let interval = isTerminal ? 0.1 : 2.0
        let due = lastPrint.withLock { last in
            guard progress.elapsed - last >= interval || progress.applied == progress.total else { return false }
            last = progress.elapsed
            return true
        }
        guard due else { return }
        let fraction = progress.total == 0 ? 1 : Double(progress.applied) / Double(progress.total)
        let eta = progress.remaining.map { "\(Int($0.rounded()))s" } ?? "?"
        let figures = "\(progress.applied)/\(progress.total) events · \(Int(progress.rate)) events/s · ETA \(eta)"
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardOutput.write(Data("\r[\(bar)] \(Int(fraction * 100))% \(figures)   ".utf8))
        } else {
            FileHandle.standardOutput.write(Data("rebuild: \(Int(fraction * 100))% \(figures)\n".utf8))
        }
    }

    /// Ends the redrawn line on a terminal.
    func finish() {
        if isTerminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
