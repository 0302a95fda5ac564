import Foundation

/// CPU time of the calling thread, for figures that hold on a busy machine: a rebuild's rate is set by its
/// one write thread, whose CPU time per event the wall clock of a loaded machine hides.
enum ThreadCPU {
    /// CPU seconds (user + system) the calling thread has used so far.
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
