import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection that sends one request at a time and waits for its whole response;
/// owned by the task that opened it with ``withConnection(host:port:group:_:)``.
final class HTTPConnection {
    struct Response {
        var status: Int
        var body: ByteBuffer
    }

    private let host: String
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    private init(
        host: String, inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) {
        self.host = host
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Connects (TCP_NODELAY), runs `body` with the connection, and closes it.
    static func withConnection<T>(
        host: String, port: Int, group: any EventLoopGroup, _ body: (HTTPConnection) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(HTTPConnection(host: host, inbound: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }

    /// Sends a request and returns the complete response.
    /// - Throws: ``HTTPBenchmarkError/connectionClosed`` when the server closes before answering.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        var parts: [HTTPClientRequestPart] = []
        if let body {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.count))
            parts = [.head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)]
        } else {
            parts = [.head(head), .end(nil)]
        }
        try await outbound.write(contentsOf: parts)
        var status = 0
        var collected = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case .head(let response): status = Int(response.status.code)
            case .body(var chunk): collected.writeBuffer(&chunk)
            case .end: return Response(status: status, body: collected)
            }
        }
        throw HTTPBenchmarkError.connectionClosed
    }
}

enum HTTPBenchmarkError: Error, CustomStringConvertible {
    case connectionClosed
    case unexpectedStatus(request: String, status: Int, body: String)
    case serverDidNotStart(String)

    var description: String {
        switch self {
        case .connectionClosed: "the server closed the connection before answering"
        case .unexpectedStatus(let request, let status, let body): "\(request) answered \(status): \(body.prefix(300))"
        case .serverDidNotStart(let reason): "sessiond serve did not start: \(reason)"
        }
    }
}
