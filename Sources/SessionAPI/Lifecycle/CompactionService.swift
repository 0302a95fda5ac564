import EventLog
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
                // A store that cannot compact (it throws `unsupported`) says so once; the service then idles until
                // shutdown, since a service that returns early would stop the whole group.
                var unsupported = false
                while true {
                    try await Task.sleep(for: interval)
                    guard !unsupported else { continue }
                    do {
                        _ = try await erasure.run()
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch EventLogError.unsupported(let operation, let reason) {
                        unsupported = true
                        logger.warning(
                            "periodic compaction is off: this log store cannot compact",
                            metadata: ["log.operation": "\(operation)", "log.reason": "\(reason)"])
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
