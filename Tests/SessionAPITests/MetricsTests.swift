import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SessionAPI

/// `/metrics` in the Prometheus text format, with figures that follow what the server did.
struct MetricsTests {
    /// The value of the sample line that starts with `prefix` (name and labels).
    static func value(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func metricsCountRequestsAppendsAndLag() async throws {
        try await withTestApplication { client in
            for _ in 0..<3 {
                let created = try await client.execute(
                    uri: "/api/sessions", method: .post, body: jsonBody(MixRoutesTests.create))
                #expect(created.status == .created)
            }
            _ = try await client.execute(uri: "/api/sessions/missing", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == PrometheusText.contentType)
            let text = String(buffer: response.body)
            #expect(Self.value(text, #"sessiond_http_requests_total{method="POST",route="/api/sessions",status="201"}"#) == 3)
            #expect(Self.value(text, #"sessiond_http_requests_total{method="GET",route="/api/sessions/{id}",status="404"}"#) == 1)
            #expect(
                Self.value(text, #"sessiond_http_request_duration_seconds_count{method="POST",route="/api/sessions"}"#) == 3)
            #expect(
                Self.value(text, #"sessiond_http_request_duration_seconds_bucket{method="POST",route="/api/sessions",le="+Inf"}"#)
                    == 3)
            #expect(Self.value(text, "sessiond_log_appends_total") == 3)
            #expect(Self.value(text, "sessiond_log_records_total") == 3)
            #expect(Self.value(text, "sessiond_log_frames_total") == 3)
            // Durability is off in tests: no fsync.
            #expect(Self.value(text, "sessiond_log_fsyncs_total") == 0)
            #expect(Self.value(text, #"sessiond_log_frame_bytes_bucket{le="+Inf"}"#) == 3)
            #expect((Self.value(text, "sessiond_log_frame_bytes_sum") ?? 0) > 0)
            #expect(Self.value(text, "sessiond_log_durable_end_position") == 3)
            // Writes answer after the projections applied them, so nothing is behind.
            #expect(Self.value(text, "sessiond_replay_lag_positions") == 0)
            #expect(text.contains("# TYPE sessiond_log_frame_bytes histogram"))
            // Each new session's state was read once from the log, with nothing in it to fold.
            #expect(Self.value(text, "sessiond_writer_state_loads_total") == 3)
            #expect(Self.value(text, "sessiond_writer_folded_events_total") == 0)
        }
    }

    /// The bounded caches' gauges follow what the routes put in and what a write drops.
    @Test func metricsReportWhatTheCachesHold() async throws {
        try await withTestApplication { client in
            func cache(_ name: String, _ figure: String) async throws -> Double? {
                let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                return Self.value(text, "sessiond_cache_\(figure){cache=\"\(name)\"}")
            }
            #expect(try await cache("writer_states", "entries") == 0)
            #expect(try await cache("exports", "bytes") == 0)
            #expect(try await cache("responses", "entries") == 0)

            let created = try await client.execute(
                uri: "/v1/sessions", method: .post, body: jsonBody(#"{"sessionId":"cached","title":"t"}"#))
            #expect(created.status == .created)
            let message = #"{"type":"message","role":"user","text":"hello"}"#
            #expect(try await client.execute(uri: "/v1/sessions/cached/events", method: .post, body: jsonBody(message)).status == .created)
            // The writer keeps the session's state after its writes.
            #expect(try await cache("writer_states", "entries") == 1)
            #expect((try await cache("writer_states", "bytes") ?? 0) > 0)

            #expect(try await client.execute(uri: "/v1/sessions/cached", method: .get).status == .ok)
            #expect(try await cache("responses", "entries") ?? 0 >= 1)
            #expect((try await cache("responses", "bytes") ?? 0) > 0)

            let export = try await client.execute(uri: "/v1/sessions/cached/export", method: .get)
            #expect(export.status == .ok)
            #expect(try await cache("exports", "entries") == 1)
            // The kept JSON is the answer's body without its closing newline.
            #expect(try await cache("exports", "bytes") == Double(export.body.readableBytes - 1))

            // A write to the session drops its kept export: it no longer matches.
            #expect(try await client.execute(uri: "/v1/sessions/cached/events", method: .post, body: jsonBody(message)).status == .created)
            #expect(try await cache("exports", "entries") == 0)
            #expect(try await cache("exports", "bytes") == 0)
        }
    }

    @Test func histogramBucketsAreCumulative() {
        var histogram = BucketHistogram(upperBounds: [1, 10])
        for value in [0.5, 5, 5, 50] { histogram.record(value) }
        var text = PrometheusText()
        text.histogram("h", help: "test", series: [([("k", "v")], histogram)])
        #expect(Self.value(text.text, #"h_bucket{k="v",le="1"}"#) == 1)
        #expect(Self.value(text.text, #"h_bucket{k="v",le="10"}"#) == 3)
        #expect(Self.value(text.text, #"h_bucket{k="v",le="+Inf"}"#) == 4)
        #expect(Self.value(text.text, #"h_sum{k="v"}"#) == 60.5)
        #expect(Self.value(text.text, #"h_count{k="v"}"#) == 4)
    }
}
