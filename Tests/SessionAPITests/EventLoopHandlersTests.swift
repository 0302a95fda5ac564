import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import NIOCore
import NIOPosix
import Projections
import Testing

@testable import SessionAPI

/// A route served by `.http1OnEventLoops(idleTimeout:)` runs on the SwiftNIO event loop of its connection, also after awaiting
/// work elsewhere, and Hummingbird's default server (`.http1()`) does not: what decision 0136 relies on.
struct EventLoopHandlersTests {
    /// Answers "loop" when the handler runs on an event loop thread before and after a hop to the cooperative pool.
    static func app(server: HTTPServerBuilder) -> some ApplicationProtocol {
        let router = Router()
        router.get("where") { _, _ -> String in
            let before = MultiThreadedEventLoopGroup.currentEventLoop != nil
            let elsewhere = await Task.detached { MultiThreadedEventLoopGroup.currentEventLoop != nil }.value
            let after = MultiThreadedEventLoopGroup.currentEventLoop != nil
            return "\(before ? "loop" : "pool") \(elsewhere ? "loop" : "pool") \(after ? "loop" : "pool")"
        }
        router.get("off") { _, _ -> String in
            let before = MultiThreadedEventLoopGroup.currentEventLoop != nil
            // Also after an await inside the body: the body's task keeps preferring the global executor.
            let off = await offTheLoop {
                let first = MultiThreadedEventLoopGroup.currentEventLoop != nil
                await Task.yield()
                return first || MultiThreadedEventLoopGroup.currentEventLoop != nil
            }
            // A body known to be small stays on the loop.
            let small = await offTheLoop(if: false) { MultiThreadedEventLoopGroup.currentEventLoop != nil }
            let after = MultiThreadedEventLoopGroup.currentEventLoop != nil
            return [before, off, small, after].map { $0 ? "loop" : "pool" }.joined(separator: " ")
        }
        return Application(router: router, server: server)
    }

    @Test func handlersRunOnTheirConnectionsEventLoop() async throws {
        try await Self.app(server: .http1OnEventLoops(idleTimeout: nil)).test(.live) { client in
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/where", method: .get)
                #expect(String(buffer: response.body) == "loop pool loop")
            }
        }
    }

    /// `offTheLoop` (decision 0142) runs its body on a thread that is no event loop, `offTheLoop(if: false)` runs it
    /// in place, and the handler is back on its loop afterwards.
    @Test func offTheLoopLeavesTheEventLoopForItsBody() async throws {
        try await Self.app(server: .http1OnEventLoops(idleTimeout: nil)).test(.live) { client in
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/off", method: .get)
                #expect(String(buffer: response.body) == "loop pool loop loop")
            }
        }
    }

    /// A body's error reaches the caller unchanged.
    @Test func offTheLoopRethrowsTheBodysError() async {
        struct Failure: Error, Equatable {}
        await #expect(throws: Failure()) { try await offTheLoop { () throws(Failure) -> Int in throw Failure() } }
    }

    @Test func hummingbirdsDefaultServerRunsHandlersOnThePool() async throws {
        try await Self.app(server: .http1()).test(.live) { client in
            let response = try await client.execute(uri: "/where", method: .get)
            #expect(String(buffer: response.body) == "pool pool pool")
        }
    }
}
