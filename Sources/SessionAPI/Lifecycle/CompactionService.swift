import Logging
import Projections
import ServiceLifecycle

/// Runs permanent erasure every ``interval`` while the daemon serves (`sessiond serve --compact-interval`):
/// deleted sessions' records leave the log, their traces the projection files, their blobs the store.
///
/// A run that fails is logged and retried at the next interval; serving goes on. Stops between runs on
/// graceful shutdown (a run in progress is cancelled where it waits; every step is crash-safe).
struct CompactionService: Service {
    let erasure: PermanentErasure
    let interval: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    do {
                        _ = try await erasure.run()
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        logger.error("compaction failed; retrying at the next interval", metadata: ["error": "\(error)"])
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
