import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel whose connection task prefers the connection's event loop as its task
/// executor (decision 0136): the request's parts, the handler and the response's write run there, so a request costs
/// no hop to Swift's cooperative pool and back. Work a handler awaits elsewhere (GRDB's queues, the log's group
/// commit) resumes on the loop; a handler must not block, or every connection of its loop waits.
struct HTTP1EventLoopChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await http1.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection's task on its event loop (``HTTP1EventLoopChannel``); a connection that sends
    /// nothing for `idleTimeout` while no answer is on its way is closed (an SSE stream being answered is not idle).
    static func http1OnEventLoops(idleTimeout: Duration?) -> HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(idleTimeout: idleTimeout.map { TimeAmount($0) })
        return .init { responder in
            HTTP1EventLoopChannel(http1: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
