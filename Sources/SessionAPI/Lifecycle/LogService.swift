import EventLog
import ServiceLifecycle

/// Owns the open log in the service group: it is the first service, so it is the last to stop, and it closes
/// the log (finishing in-flight appends) only after the HTTP server and the replay loop have stopped; then it gives
/// up the data directory's lock, when the node held one beside a log elsewhere. That order is the graceful one:
/// past `sessiond serve`'s 10 s of grace every service is cancelled at once (decision 0171), and the process ends
/// moments later.
struct LogService: Service {
    let log: any LogStore
    var dataDirectoryLock: DirectoryLock?

    func run() async throws {
        // Returns on graceful shutdown; throws CancellationError if the group is cancelled instead.
        try? await gracefulShutdown()
        await log.close()
        dataDirectoryLock?.release()
    }
}
