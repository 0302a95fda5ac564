import Foundation
import NIOCore

/// A `sessiond serve` the benchmark starts on a data directory (and log, if given) and port, and stops with SIGTERM.
final class SessiondProcess {
    private let process = Process()
    let port: Int

    init(executable: String, dataDirectory: String, log: String? = nil, port: Int, durability: String) throws {
        self.port = port
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            ["serve", "--host", "127.0.0.1", "--port", String(port), "--data", dataDirectory, "--durability", durability]
            + (log.map { ["--log", $0] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Polls `/health` until it answers 200; returns the seconds it took from `since`.
    func waitUntilServing(group: any EventLoopGroup, since watch: Stopwatch, timeout: Double = 120) async throws -> Double {
        while watch.seconds < timeout {
            guard process.isRunning else {
                throw HTTPBenchmarkError.serverDidNotStart("exited with status \(process.terminationStatus)")
            }
            let status = try? await HTTPConnection.withConnection(host: "127.0.0.1", port: port, group: group) {
                try await $0.send(.GET, "/health").status
            }
            if status == 200 { return watch.seconds }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HTTPBenchmarkError.serverDidNotStart("no answer on port \(port) within \(Int(timeout)) s")
    }

    /// CPU seconds the server has used so far (user + system, all threads, from /proc; 0 where unreadable).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15, in ticks.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// SIGTERM, then waits for the graceful shutdown to finish.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
