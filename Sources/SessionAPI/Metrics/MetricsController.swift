import EventLog
import Hummingbird
import NIOCore

/// `GET /metrics`: Prometheus text with the HTTP server's requests and latencies, the log's appends, syncs
/// and frame sizes (``LogStatistics``), how far the projections are behind the log, what the writer's state
/// cache saves (``Projections/WriterStatistics``), and what the bounded in-memory caches hold
/// (``Projections/CacheUsage``).
///
/// The log's end is waited for as `/health` waits for it (``SessionBackend/durableEnd(within:)``): a log that does not
/// answer (PostgreSQL down) reports the applied position as the log's end, lag 0, rather than failing the scrape of
/// every other figure for the outage's length.
struct MetricsController {
    let backend: SessionBackend
    let http: HTTPMetrics

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let reached = await backend.durableEnd()
        let (end, applied, lag) = backend.projectionProgress(logEnd: reached)
        var text = PrometheusText()
        let snapshot = http.snapshot
        text.family(
            "sessiond_http_requests_total", help: "HTTP requests answered, by method, route template and status.",
            type: "counter",
            samples: snapshot.requests.sorted { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }
                .map { ([("method", $0.key.method), ("route", $0.key.route), ("status", String($0.key.status))], Double($0.value)) })
        text.histogram(
            "sessiond_http_request_duration_seconds", help: "Time to the response head, by method and route template.",
            series: snapshot.latencies.sorted { ($0.key.route, $0.key.method) < ($1.key.route, $1.key.method) }
                .map { ([("method", $0.key.method), ("route", $0.key.route)], $0.value) })
        let log = backend.log.statistics
        text.single("sessiond_log_appends_total", help: "Log appends that appended records.", type: "counter", value: Double(log.appends))
        text.single("sessiond_log_records_total", help: "Records appended to the log.", type: "counter", value: Double(log.records))
        text.single("sessiond_log_frames_total", help: "Frames written to the log.", type: "counter", value: Double(log.frames))
        text.single("sessiond_log_fsyncs_total", help: "fdatasync calls made for log frames.", type: "counter", value: Double(log.syncs))
        text.histogram(
            "sessiond_log_frame_bytes", help: "Size of written log frames (header plus payload) in bytes.",
            series: [([], log.frameBytes)])
        text.single("sessiond_log_durable_end_position", help: "The log's last durable position.", type: "gauge", value: Double(end))
        text.single(
            "sessiond_replay_applied_position", help: "The last log position the projections applied.", type: "gauge",
            value: Double(applied ?? 0))
        text.single(
            "sessiond_replay_lag_positions", help: "Log positions the projections are behind the log's durable end.",
            type: "gauge", value: Double(lag))
        let writer = await backend.writer.statistics
        text.single(
            "sessiond_writer_state_loads_total",
            help: "Writes whose session state was read from the log, not the writer's cache (first writes, evictions).",
            type: "counter", value: Double(writer.stateLoads))
        text.single(
            "sessiond_writer_folded_events_total",
            help: "Events folded by those reads; a steady rate means --state-cache-mib is too small.", type: "counter",
            value: Double(writer.foldedEvents))
        let caches = [
            ("writer_states", await backend.writer.cacheUsage), ("exports", backend.store.exportCacheUsage),
            ("responses", backend.responses.usage),
        ]
        text.family(
            "sessiond_cache_entries", help: "Entries held by the daemon's bounded in-memory caches.", type: "gauge",
            samples: caches.map { ([("cache", $0.0)], Double($0.1.entries)) })
        text.family(
            "sessiond_cache_bytes",
            help: "Bytes those caches count against their bounds (rendered bytes for exports, estimates for the rest).",
            type: "gauge", samples: caches.map { ([("cache", $0.0)], Double($0.1.bytes)) })
        var headers = HTTPFields()
        headers[.contentType] = PrometheusText.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text.text)))
    }
}
