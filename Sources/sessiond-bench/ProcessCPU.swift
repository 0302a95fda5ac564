import Foundation

/// The process's CPU time (user + system, all threads), for figures that hold on a busy machine: wall-clock
/// rates vary with other load, CPU per operation much less.
enum ProcessCPU {
    /// CPU seconds used by this process so far.
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    /// Runs `body`, returning its result with the wall-clock and CPU seconds it took.
    static func time<T>(_ body: () async throws -> T) async rethrows -> (T, wall: Double, cpu: Double) {
        let cpu = seconds()
        let (value, wall) = try await Stopwatch.time(body)
        return (value, wall, seconds() - cpu)
    }
}
