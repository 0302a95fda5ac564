import Dispatch
import EventLog
import Logging
import NIOCore
import PostgresNIO

extension PostgresLogStore {
    /// Trains a dictionary from the samples the writer hands over (once, when the database had none), stores it
    /// in `sessiond.dictionary` — committed before any frame names it —, names it in the log head (so every node's
    /// later frames use it) and makes this node's later frames use it.
    ///
    /// Samples of records a compaction, on any node, has rewritten since they were taken may hold bytes it erased (a
    /// zstd dictionary keeps sample bytes verbatim): they are left out before training, and a compaction that
    /// commits during the training is caught by a second check under the head's lock, which every compaction holds
    /// while it rewrites; then, or when training fails, the samples are dropped and sampling starts again.
    func runTrainer(_ batches: AsyncStream<TrainingSamples>) async {
        for await batch in batches {
            do {
                let through = try await leasedRead { connection in try await self.compactedThrough(on: connection) }
                let kept = zip(batch.samples, batch.positions).filter { $0.1 > through ?? 0 }
                guard let firstPosition = kept.map(\.1).min() else {
                    resumeDictionarySampling()
                    continue
                }
                let samples = kept.map(\.0)
                let capacity = configuration.dictionaryCapacity
                let bytes = try await withCheckedThrowingContinuation { continuation in
                    // CPU-bound for a second or two: off the cooperative threads, as the file store does.
                    DispatchQueue.global(qos: .utility).async {
                        continuation.resume(with: Result { try LogDictionaries.train(samples: samples, capacity: capacity) })
                    }
                }
                let installed: Int32? = try await leased(deadline: configuration.transactionDeadline) { connection in
                    try await self.transaction(on: connection) { connection -> Int32? in
                        _ = try await Self.readEnd(on: connection, locking: true, logger: self.logger)
                        if let compacted = try await self.compactedThrough(on: connection), compacted >= firstPosition {
                            return nil
                        }
                        var id: Int32?
                        // The head names it: every node's next append switches to it.
                        for try await found in try await connection.query(
                            """
                            WITH trained AS (INSERT INTO sessiond.dictionary (bytes) VALUES (\(ByteBuffer(bytes: bytes))) RETURNING id)
                            UPDATE sessiond.log_head SET dictionary_id = (SELECT id FROM trained) WHERE id = 1
                            RETURNING dictionary_id
                            """,
                            logger: self.logger
                        ).decode(Int32.self) {
                            id = found
                        }
                        return id
                    }
                }
                guard let id = installed else {
                    logger.info(
                        "dictionary samples dropped: a compaction rewrote the log since they were taken; sampling again",
                        metadata: ["log.first_sampled_position": "\(firstPosition)"])
                    resumeDictionarySampling()
                    continue
                }
                try dictionaries.install(id: UInt32(id), bytes: bytes, activate: true)
                logger.info(
                    "trained compression dictionary",
                    metadata: ["log.dictionary": "\(id)", "log.samples": "\(samples.count)", "log.bytes": "\(bytes.count)"])
            } catch {
                logger.warning(
                    "dictionary training failed; frames stay without one until new samples train one",
                    metadata: ["log.error": "\(PostgresFailure.describe(error))"])
                resumeDictionarySampling()
            }
        }
    }

    /// Makes this node's frames use the dictionary the log head names (read under the head lock): one another
    /// node trained, or none once a compaction retired them (decision 0060), in which case sampling starts again.
    func useDictionary(_ id: UInt32, on connection: PostgresConnection) async throws {
        guard dictionaries.activeID != (id == 0 ? nil : id) else { return }
        guard id != 0 else {
            dictionaries.activate(id: nil)
            resumeDictionarySampling()
            return
        }
        if !dictionaries.contains(id: id) {
            for try await bytes in try await connection.query(
                "SELECT bytes FROM sessiond.dictionary WHERE id = \(Int32(id))", logger: logger
            ).decode(ByteBuffer.self) {
                try dictionaries.install(id: id, bytes: Array(bytes.readableBytesView), activate: false)
            }
        }
        dictionaries.activate(id: id)
        writer.withLock { writer in
            writer.samples = []
            writer.sampleBytes = 0
            writer.sampleBudget = nil
            writer.samplePositions = []
        }
    }

    /// Collects training samples again (the dictionaries were retired), when the configuration trains at all.
    func resumeDictionarySampling() {
        guard case .afterSampleBytes(let budget) = configuration.dictionaryTraining else { return }
        writer.withLock { writer in
            if writer.sampleBudget == nil { writer.sampleBudget = budget }
        }
    }
}
