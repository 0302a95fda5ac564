import EventLog
import Synchronization

/// Request counts and latencies of the HTTP server, by method, route template and status, recorded by
/// ``MetricsMiddleware`` and rendered by `/metrics`.
///
/// Routes are templates (`/api/sessions/{id}`), never concrete paths, so the number of series stays bounded;
/// requests that match no route count under `unmatched`.
final class HTTPMetrics: Sendable {
    struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    struct Snapshot {
        var requests: [RequestKey: UInt64] = [:]
        var latencies: [RouteKey: BucketHistogram] = [:]
    }

    /// Latency bucket bounds in seconds: 0.5 ms to 10 s.
    static let latencyBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let state = Mutex(Snapshot())

    /// Counts one answered request and its latency.
    func record(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
            state.latencies[RouteKey(method: method, route: route), default: BucketHistogram(upperBounds: Self.latencyBounds)]
                .record(seconds)
        }
    }

    /// Everything recorded so far.
    var snapshot: Snapshot { state.withLock { $0 } }
}
