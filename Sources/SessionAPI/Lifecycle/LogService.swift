import EventLog
import ServiceLifecycle

/// Owns the open log in the service group: it is the first service, so it is the last to stop, and it closes
/// the log (finishing in-flight appends) only after the HTTP server and the replay loop have stopped.
struct LogService: Service {
    let log: any LogStore

    func run() async throws {
        // Returns on graceful shutdown; throws CancellationError if the group is cancelled instead.
        try? await gracefulShutdown()
        await log.close()
    }
}
