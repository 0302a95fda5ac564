import ArgumentParser
import EventLog
import Foundation
import Workload

/// `sessiond-bench log`: durable group-commit appends, sequential reads, and compression,
/// each next to the raw limit measured in the same run.
struct LogBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Benchmark the event log: durable appends, sequential read, compression ratio.")

    @Option(help: "Records to append (agent-transcript JSON from a fixed seed).")
    var records = 200_000

    @Option(help: "Concurrent appending tasks.")
    var appenders = 64

    @Option(help: "Records per append call in the second append run (the first always appends one).")
    var batch = 8

    @Option(help: "Directory for the benchmark's files (emptied first); default: a new temp directory.")
    var dir: String?

    @Option(help: "zstd level for frames.")
    var level: Int32 = 3

    @Option(help: "Seed of the corpus generator.")
    var seed: UInt64 = 2026

    func run() async throws {
        let directory = try BenchmarkDirectory(dir)
        defer { directory.removeIfTemporary() }
        let root = directory.path

        var corpus = AgentCorpus(seed: seed)
        var events: [(session: String, event: AgentCorpus.Event)] = []
        while events.count < records { events += corpus.events(totalBytes: 4 << 20) }
        events.removeLast(events.count - records)
        let bodyBytes = events.reduce(0) { $0 + $1.event.body.count }
        print("corpus: \(records) records, mean body \(bodyBytes / records) bytes, \(bodyBytes >> 20) MiB; seed \(seed)")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; zstd level \(level)")
        print("")

        // 1. Durable appends with group commit: one record per call, then `batch` records per call.
        let proposals = events.map { ProposedRecord(type: $0.event.type, body: $0.event.body) }
        let sessions = events.map(\.session)
        let logDir = root + "/log"
        var configuration = EventLog.Configuration(durability: .fsync)
        configuration.compressionLevel = level
        let single = try await Self.durableAppends(
            proposals: proposals, sessions: sessions, appenders: appenders, perCall: 1, dir: logDir, configuration: configuration)
        let batched = try await Self.durableAppends(
            proposals: proposals, sessions: sessions, appenders: appenders, perCall: batch, dir: root + "/log-batched",
            configuration: configuration)
        let appendRate = single.rate
        let framesWritten = single.frames
        let recordsPerFrame = Double(records) / Double(max(framesWritten, 1))

        // 2. The raw limits at the same batch size, on the same bytes.
        let rawRecords = events.map { Array($0.event.body) }
        let frameBatch = max(1, Int(recordsPerFrame.rounded()))
        let syncLoop = RawBaseline.writeLoop(records: rawRecords, batchSize: frameBatch, sync: true, path: root + "/raw-sync")
        let plainWrite = RawBaseline.writeLoop(records: rawRecords, batchSize: frameBatch, sync: false, path: root + "/raw-nosync")

        // 3. Sequential read and decompression of everything.
        let reader = try EventLog(directory: logDir, configuration: configuration)
        var readCount = 0
        var readBytes = 0
        let (_, readSeconds) = try await Stopwatch.time {
            var next = LogPosition(1)
            while true {
                let batch = try await reader.read(from: next, limit: 8192)
                guard let last = batch.last else { break }
                readCount += batch.count
                for record in batch { readBytes += record.body.count }
                next = last.position.next
            }
        }
        await reader.close()
        precondition(readCount == records, "read \(readCount) of \(records) records")

        // 4. Compression with and without a dictionary, on the same frames (64 records each). The dictionary is
        // trained from the first `budget` bytes of bodies; the ratio counts the records after them, which every
        // log of more than a few MiB mostly holds. The whole log's ratio, prefix included, is printed too.
        let budget = min(4 << 20, bodyBytes / 4)
        let plain = try await Self.storedBytes(events: events, dir: root + "/ratio-plain", training: .disabled, prefixBytes: budget, level: level)
        let trained = try await Self.storedBytes(
            events: events, dir: root + "/ratio-dict", training: .afterSampleBytes(budget), prefixBytes: budget, level: level)

        print("| measure | sessiond | raw baseline (same run) |")
        print("|---|---|---|")
        print("| durable appends/s, \(appenders) appenders × 1 record, fdatasync per frame | \(formatRate(appendRate)) (\(String(format: "%.1f", recordsPerFrame)) records/frame, \(framesWritten) frames) | write+fdatasync per \(frameBatch)-record batch: \(formatRate(syncLoop)) records/s |")
        let batchedPerFrame = Double(records) / Double(max(batched.frames, 1))
        let batchedRaw = RawBaseline.writeLoop(
            records: rawRecords, batchSize: max(1, Int(batchedPerFrame.rounded())), sync: true, path: root + "/raw-sync-2")
        print("| durable appends/s, \(appenders) appenders × \(batch) records per call | \(formatRate(batched.rate)) (\(String(format: "%.1f", batchedPerFrame)) records/frame) | write+fdatasync per \(Int(batchedPerFrame.rounded()))-record batch: \(formatRate(batchedRaw)) records/s |")
        print("| uncompressed write, no sync | — | \(formatRate(plainWrite)) records/s |")
        print("| sequential read + decompress | \(formatRate(Double(readCount) / readSeconds)) records/s, \(String(format: "%.0f", Double(readBytes) / readSeconds / 1e6)) MB/s of bodies | — |")
        print("| compression ratio, 64-record frames, no dictionary | \(plain.laterRatio) (whole log \(plain.wholeRatio)) | — |")
        print("| compression ratio, 64-record frames, trained dictionary | \(trained.laterRatio) (whole log \(trained.wholeRatio)) | — |")
        print("")
        print("ratios are JSON body bytes ÷ segment bytes on disk (frame and record headers included), over the records after")
        print("the first \(budget >> 10) KiB of bodies (the dictionary's training sample); \"whole log\" includes that prefix")
    }

    /// Appends every proposal from `appenders` concurrent tasks, `perCall` records per append.
    static func durableAppends(
        proposals: [ProposedRecord], sessions: [String], appenders: Int, perCall: Int, dir: String,
        configuration: EventLog.Configuration
    ) async throws -> (rate: Double, frames: Int) {
        let log = try EventLog(directory: dir, configuration: configuration)
        // Task `a` takes chunks a, a + appenders, …; a chunk's records go to the first one's session.
        let chunks = stride(from: 0, to: proposals.count, by: perCall).map { $0..<min($0 + perCall, proposals.count) }
        let (_, seconds) = try await Stopwatch.time {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for a in 0..<appenders {
                    group.addTask {
                        var i = a
                        while i < chunks.count {
                            _ = try await log.append(Array(proposals[chunks[i]]), to: sessions[chunks[i].lowerBound])
                            i += appenders
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        await log.close()
        return (Double(proposals.count) / seconds, frameCount(dir))
    }

    static func frameCount(_ dir: String) -> Int {
        // Frames are counted from the files, as an independent reader would.
        var frames = 0
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".seg") }
        for name in names {
            guard let data = FileManager.default.contents(atPath: dir + "/" + name) else { continue }
            var offset = 32
            while offset + 40 <= data.count {
                let stored = data.subdata(in: offset + 24..<offset + 28).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
                offset += 40 + Int(UInt32(littleEndian: stored))
                frames += 1
            }
        }
        return frames
    }

    /// Segment bytes of a log holding `events` in 64-record frames, in total and for the records after the first
    /// `prefixBytes` of bodies. The log is closed and reopened after the prefix, so a dictionary trained from it
    /// is in use for every later frame (training runs in the background; closing waits for it).
    static func storedBytes(
        events: [(session: String, event: AgentCorpus.Event)], dir: String, training: EventLog.DictionaryTraining,
        prefixBytes: Int, level: Int32
    ) async throws -> StoredBytes {
        var configuration = EventLog.Configuration(durability: .none)
        configuration.dictionaryTraining = training
        configuration.compressionLevel = level
        var split = 0, prefix = 0
        while split < events.count, prefix < prefixBytes {
            prefix += events[split].event.body.count
            split += 1
        }
        split = (split + 63) / 64 * 64
        func append(_ range: Range<Int>) async throws {
            let log = try EventLog(directory: dir, configuration: configuration)
            for start in stride(from: range.lowerBound, to: range.upperBound, by: 64) {
                let chunk = events[start..<min(start + 64, range.upperBound)]
                _ = try await log.append(chunk.map { ProposedRecord(type: $0.event.type, body: $0.event.body) }, to: "bench-\(start)")
            }
            await log.close()
        }
        try await append(0..<min(split, events.count))
        let prefixStored = directorySize(dir, suffix: ".seg")
        try await append(min(split, events.count)..<events.count)
        let total = directorySize(dir, suffix: ".seg")
        let bodies = events.reduce(0) { $0 + $1.event.body.count }
        let laterBodies = events[min(split, events.count)...].reduce(0) { $0 + $1.event.body.count }
        return StoredBytes(
            bodies: bodies, stored: total, laterBodies: laterBodies, laterStored: total - prefixStored)
    }

    struct StoredBytes {
        var bodies: Int, stored: UInt64, laterBodies: Int, laterStored: UInt64
        var wholeRatio: String { String(format: "%.2f×", Double(bodies) / Double(max(stored, 1))) }
        var laterRatio: String { String(format: "%.2f×", Double(laterBodies) / Double(max(laterStored, 1))) }
    }
}
