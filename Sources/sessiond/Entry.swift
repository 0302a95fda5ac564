import Foundation
import NIOCore
import NIOPosix

/// The process's entry point: `sessiond`'s subcommands, with `serve` on SwiftNIO's event loops.
@main
enum Entry {
    /// `serve` makes SwiftNIO's event loops Swift concurrency's global executor (decision 0116): a request's handler,
    /// the writer and the replay loop then run on the threads that read and write the sockets instead of hopping to
    /// the cooperative pool and back. It must happen on the main thread before the first task is enqueued, so the
    /// arguments are parsed here once (without side effects) to find the subcommand; SESSIOND_EXECUTOR=cooperative
    /// keeps Swift's own pool.
    static func main() async {
        if (try? Sessiond.parseAsRoot()) is Serve, ProcessInfo.processInfo.environment["SESSIOND_EXECUTOR"] != "cooperative" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await Sessiond.main()
    }
}
