import ArgumentParser
import EventLog
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Workload

/// `sessiond-bench http`: durable appends and reads over HTTP against a real `sessiond serve`, on keep-alive
/// connections, with latencies; reads also at a fixed rate (open loop).
struct HTTPBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Benchmark sessiond serve over HTTP: durable appends/s, GET req/s, fixed-rate GET latency, transcript loads.",
        discussion: """
            Starts `sessiond serve --durability fsync` (the --sessiond binary) on a fresh data directory, loads the \
            corpus of `sessiond-bench corpus` with the same options through the HTTP API (Mix create and rewind, \
            native message and tool_result appends), one session per connection at a time, then measures GET \
            /v1/sessions/{id} closed-loop and at --rate requests/s open-loop (latency from each request's scheduled \
            send time, so a stall delays every later request's figure instead of hiding), full and as-of transcript \
            exports of the long session, the restart time, and the bytes on disk.
            """)

    @OptionGroup var corpus: CorpusOptions

    @Option(help: "The sessiond executable to start (default: the one next to this benchmark).")
    var sessiond: String?

    @Option(help: "Port for the started server.")
    var port = 18_088

    @Option(help: "Keep-alive connections.")
    var connections = 32

    @Option(help: "GET requests in the closed-loop run.")
    var getRequests = 20_000

    @Option(help: "Requests/s of the fixed-rate (open-loop) GET run.")
    var rate = 10_000

    @Option(help: "Seconds of the fixed-rate run.")
    var rateSeconds = 5.0

    @Option(help: "Full-transcript exports of the long session to time (and as many as-of exports).")
    var exports = 50

    @Option(help: "Durability of the started server (fsync or none).")
    var durability = "fsync"

    @Option(help: "Data directory (emptied first); default: a new temp directory.")
    var dir: String?

    @Option(
        help: """
            The started server's log (`serve --log`): a postgres:// URL of an empty database to measure the \
            PostgreSQL store; default: segment files in the data directory.
            """)
    var log: String?

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func run() async throws {
        let directory = try BenchmarkDirectory(dir)
        defer { directory.removeIfTemporary() }
        let executable = sessiond ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("sessiond").path
        let items = corpus.items()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var report = BenchmarkReport(system: "sessiond (HTTP)")
        report.set("corpus", corpus.summary(items))
        report.set(
            "durability",
            log == nil
                ? "\(durability): write + fdatasync per group-commit frame before the answer"
                : "\(durability): one PostgreSQL commit per group-commit frame before the answer")
        report.set("log", log.map { LogLocation($0).description } ?? "segment files")

        var server = try SessiondProcess(
            executable: executable, dataDirectory: directory.path, log: log, port: port, durability: durability)
        defer { server.stop() }
        _ = try await server.waitUntilServing(group: group, since: Stopwatch())

        // 1. Durable appends: each connection owns every `connections`-th session and sends its items in order;
        //    then the long session alone on one connection.
        let (concurrent, sequential) = CorpusOptions.phases(items)
        var (ids, appendLatencies, appendSeconds) = try await load(concurrent, connections: connections, group: group)
        var latencies = appendLatencies
        report.set("appends_per_s", Double(concurrent.count) / appendSeconds)
        report.set("append_p50_ms", latencies.percentile(0.5))
        report.set("append_p99_ms", latencies.percentile(0.99))
        print("durable appends over HTTP: \(concurrent.count) items in \(fmt(appendSeconds)) s = \(formatRate(Double(concurrent.count) / appendSeconds))/s with \(connections) connections; p50 \(fmt(latencies.percentile(0.5))) ms, p99 \(fmt(latencies.percentile(0.99))) ms (goal ≥ 20,000/s, p99 ≤ 20 ms)")
        if !sequential.isEmpty {
            let (longIDs, oneLatencies, oneSeconds) = try await load(sequential, connections: 1, group: group)
            ids.merge(longIDs) { a, _ in a }
            var one = oneLatencies
            report.set("sequential_appends_per_s", Double(sequential.count) / oneSeconds)
            report.set("sequential_p50_ms", one.percentile(0.5))
            report.set("sequential_p99_ms", one.percentile(0.99))
            print("durable appends of the long session alone: \(sequential.count) items in \(fmt(oneSeconds)) s = \(formatRate(Double(sequential.count) / oneSeconds))/s; p50 \(fmt(one.percentile(0.5))) ms, p99 \(fmt(one.percentile(0.99))) ms")
        }

        // 2. Bytes on disk after the load (log segments, dictionaries, projection database and its WAL), once the
        //    daemon has been quiet long enough to truncate its projection WAL (50 ms idle, decision 0090).
        try await Task.sleep(for: .milliseconds(250))
        let bytes = treeSize(directory.path)
        report.set("bytes_on_disk", Double(bytes))
        print("bytes on disk: \(formatRate(Double(bytes)))")

        // 3. GET session, closed loop, then open loop at a fixed rate.
        let sessionIDs = Array(ids.values).sorted()
        var gets = try await closedLoopGets(sessionIDs, group: group)
        report.set("get_per_s", gets.rate)
        report.set("get_p99_ms", gets.latencies.percentile(0.99))
        print("GET /v1/sessions/{id}, closed loop: \(formatRate(gets.rate)) req/s, p50 \(fmt(gets.latencies.percentile(0.5))) ms, p99 \(fmt(gets.latencies.percentile(0.99))) ms")
        let (serverCPU, clientCPU) = (server.cpuSeconds(), ProcessCPU.seconds())
        var fixed = try await fixedRateGets(sessionIDs)
        let fixedRequests = Double(fixed.latencies.count)
        let serverMicros = (server.cpuSeconds() - serverCPU) * 1e6 / fixedRequests
        let clientMicros = (ProcessCPU.seconds() - clientCPU) * 1e6 / fixedRequests
        report.set("get_fixed_rate_server_cpu_us", serverMicros)
        report.set("get_fixed_rate_client_cpu_us", clientMicros)
        report.set("get_fixed_rate", Double(rate))
        report.set("get_fixed_rate_achieved_per_s", fixed.rate)
        report.set("get_fixed_rate_p50_ms", fixed.latencies.percentile(0.5))
        report.set("get_fixed_rate_p99_ms", fixed.latencies.percentile(0.99))
        report.set("get_fixed_rate_max_ms", fixed.latencies.percentile(1))
        print("GET at a fixed \(formatRate(Double(rate))) req/s for \(fmt(rateSeconds)) s (open loop): achieved \(formatRate(fixed.rate)) req/s, p50 \(fmt(fixed.latencies.percentile(0.5))) ms, p99 \(fmt(fixed.latencies.percentile(0.99))) ms, max \(fmt(fixed.latencies.percentile(1))) ms (goal p99 ≤ 2 ms); CPU per request: server \(fmt(serverMicros)) µs, this client \(fmt(clientMicros)) µs")

        // 4. Transcript loads of the long session: whole, and as of its middle.
        if let long = ids[CorpusOptions.longSessionID] {
            let serverCPU = server.cpuSeconds()
            var whole = try await timedGets("/v1/sessions/\(long)/export?format=json", group: group)
            // In clock ticks: meaningful over the whole loop only, not per load.
            let serverMsPerLoad = (server.cpuSeconds() - serverCPU) * 1000 / Double(max(exports, 1))
            report.set("transcript_p50_ms", whole.percentile(0.5))
            report.set("transcript_p99_ms", whole.percentile(0.99))
            report.set("transcript_server_cpu_ms", serverMsPerLoad)
            let version = try await sessionVersion(long, group: group)
            var asOf = try await timedGets("/v1/sessions/\(long)/export?format=json&version=\(version / 2)", group: group)
            report.set("as_of_p50_ms", asOf.percentile(0.5))
            report.set("as_of_p99_ms", asOf.percentile(0.99))
            print("export of the \(corpus.longSessionMessages)-message session, unchanged (warm: the kept export after the first load): p50 \(fmt(whole.percentile(0.5))) ms, p99 \(fmt(whole.percentile(0.99))) ms, server CPU \(fmt(serverMsPerLoad)) ms/export; as of version \(version / 2): p50 \(fmt(asOf.percentile(0.5))) ms, p99 \(fmt(asOf.percentile(0.99))) ms")
            var cold = try await timedColdGets(long, group: group)
            report.set("transcript_cold_p50_ms", cold.percentile(0.5))
            report.set("transcript_cold_p99_ms", cold.percentile(0.99))
            print("export of the \(corpus.longSessionMessages)-message session, each the first after a state update (cold: rendered): p50 \(fmt(cold.percentile(0.5))) ms, p99 \(fmt(cold.percentile(0.99))) ms")
        }

        // 5. Restart: SIGTERM, start again on the same data, time until /health answers.
        server.stop()
        let watch = Stopwatch()
        server = try SessiondProcess(
            executable: executable, dataDirectory: directory.path, log: log, port: port, durability: durability)
        let restart = try await server.waitUntilServing(group: group, since: watch)
        report.set("recover_s", restart)
        print("restart until serving: \(fmt(restart * 1000)) ms")
        try await group.shutdownGracefully()
        if let json { try report.write(to: json) }
    }

    /// Sends every item, each connection owning every `connections`-th session; returns the server's id for
    /// each corpus session, the latencies and the wall time.
    private func load(_ items: [CorpusItem], connections: Int, group: any EventLoopGroup) async throws
        -> (ids: [String: String], latencies: Latencies, seconds: Double)
    {
        let order = CorpusOptions.sessionOrder(items)
        let (results, seconds) = try await Stopwatch.time {
            try await withThrowingTaskGroup(of: ([String: String], Latencies).self) { tasks in
                for connection in 0..<connections {
                    let mine = Set(order.enumerated().filter { $0.offset % connections == connection }.map(\.element))
                    let work = items.filter { mine.contains($0.session) }
                    tasks.addTask {
                        try await HTTPConnection.withConnection(host: "127.0.0.1", port: port, group: group) { http in
                            var ids: [String: String] = [:]
                            var latencies = Latencies()
                            for item in work {
                                let watch = Stopwatch()
                                try await Self.send(item, ids: &ids, on: http)
                                latencies.add(watch.seconds * 1000)
                            }
                            return (ids, latencies)
                        }
                    }
                }
                var ids: [String: String] = [:]
                var latencies = Latencies()
                for try await (someIDs, someLatencies) in tasks {
                    ids.merge(someIDs) { a, _ in a }
                    latencies.add(contentsOf: someLatencies)
                }
                return (ids, latencies)
            }
        }
        return (results.0, results.1, seconds)
    }

    private static func send(_ item: CorpusItem, ids: inout [String: String], on http: HTTPConnection) async throws {
        let path: String
        switch item.kind {
        case .create: path = "/api/sessions"
        case .message, .toolResult: path = "/v1/sessions/\(ids[item.session]!)/events"
        case .rewind: path = "/api/sessions/\(ids[item.session]!)/rewind"
        }
        let response = try await http.send(.POST, path, body: item.body)
        guard (200..<300).contains(response.status) else {
            throw HTTPBenchmarkError.unexpectedStatus(
                request: "POST \(path)", status: response.status, body: String(buffer: response.body))
        }
        if item.kind == .create {
            let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            guard let id = object?["id"] as? String else {
                throw HTTPBenchmarkError.unexpectedStatus(request: "POST \(path)", status: response.status, body: "no id")
            }
            ids[item.session] = id
        }
    }

    private func closedLoopGets(_ sessions: [String], group: any EventLoopGroup) async throws
        -> (rate: Double, latencies: Latencies)
    {
        let perConnection = max(1, getRequests / connections)
        let (latencies, seconds) = try await Stopwatch.time {
            try await withThrowingTaskGroup(of: Latencies.self) { tasks in
                for connection in 0..<connections {
                    tasks.addTask {
                        try await HTTPConnection.withConnection(host: "127.0.0.1", port: port, group: group) { http in
                            var latencies = Latencies()
                            var random = SplitMix64(seed: UInt64(connection))
                            for _ in 0..<perConnection {
                                let id = sessions[random.int(in: 0...(sessions.count - 1))]
                                let watch = Stopwatch()
                                try await Self.get("/v1/sessions/\(id)", on: http)
                                latencies.add(watch.seconds * 1000)
                            }
                            return latencies
                        }
                    }
                }
                return try await tasks.reduce(into: Latencies()) { $0.add(contentsOf: $1) }
            }
        }
        return (Double(perConnection * connections) / seconds, latencies)
    }

    /// Request k is due at start + k / rate and its latency counts from then (``FixedRateClient``, on a thread of
    /// its own: the Swift client this replaced — NIO connections as tasks on an event loop — cost the shared cores
    /// more CPU per request than the server's answer did).
    private func fixedRateGets(_ sessions: [String]) async throws -> (rate: Double, latencies: Latencies) {
        let client = FixedRateClient(
            port: port, rate: rate, seconds: rateSeconds, connections: connections,
            paths: sessions.map { "/v1/sessions/\($0)" })
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    continuation.resume(returning: try client.run())
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    private func timedGets(_ path: String, group: any EventLoopGroup) async throws -> Latencies {
        try await HTTPConnection.withConnection(host: "127.0.0.1", port: port, group: group) { http in
            var latencies = Latencies()
            for _ in 0..<exports {
                let watch = Stopwatch()
                try await Self.get(path, on: http)
                latencies.add(watch.seconds * 1000)
            }
            return latencies
        }
    }

    /// The latencies of `exports` JSON exports of session `id`, each the first after the session changed (a
    /// state update, not timed: the transcript stays the same), so that none is the server's kept export.
    private func timedColdGets(_ id: String, group: any EventLoopGroup) async throws -> Latencies {
        try await HTTPConnection.withConnection(host: "127.0.0.1", port: port, group: group) { http in
            var latencies = Latencies()
            for index in 0..<exports {
                let path = "/v1/sessions/\(id)/events"
                let response = try await http.send(.POST, path, body: Array(#"{"type":"state","delta":{"benchmark":\#(index)}}"#.utf8))
                guard (200..<300).contains(response.status) else {
                    throw HTTPBenchmarkError.unexpectedStatus(
                        request: "POST \(path)", status: response.status, body: String(buffer: response.body))
                }
                let watch = Stopwatch()
                try await Self.get("/v1/sessions/\(id)/export?format=json", on: http)
                latencies.add(watch.seconds * 1000)
            }
            return latencies
        }
    }

    private func sessionVersion(_ id: String, group: any EventLoopGroup) async throws -> Int {
        try await HTTPConnection.withConnection(host: "127.0.0.1", port: port, group: group) { http in
            let body = try await Self.get("/v1/sessions/\(id)", on: http)
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            return (object?["version"] as? Int) ?? 2
        }
    }

    @discardableResult
    private static func get(_ path: String, on http: HTTPConnection) async throws -> ByteBuffer {
        let response = try await http.send(.GET, path)
        guard response.status == 200 else {
            throw HTTPBenchmarkError.unexpectedStatus(request: "GET \(path)", status: response.status, body: String(buffer: response.body))
        }
        return response.body
    }
}
