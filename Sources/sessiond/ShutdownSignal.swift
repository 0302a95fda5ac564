import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Waits for SIGINT or SIGTERM and returns the signal's name.
enum ShutdownSignal {
    /// Makes sure only the first signal answers.
    private final class Once: Sendable {
        private let fired = Mutex(false)

        func claim() -> Bool {
            fired.withLock { fired in
                defer { fired = true }
                return !fired
            }
        }
    }

    static func wait() async -> String {
        let signals = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")]
        let once = Once()
        let sources = signals.map { number, _ in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
        let name = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            for (source, (_, name)) in zip(sources, signals) {
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: name) }
                }
                source.activate()
            }
        }
        // The sources must stay alive until a signal arrived.
        withExtendedLifetime(sources) {}
        return name
    }
}
