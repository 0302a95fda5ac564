import Dispatch
import EventLog
import Logging
import NIOCore
import PostgresNIO

extension PostgresLogStore {
    /// Trains a dictionary from the samples the writer hands over (once, when the database had none), stores it
    /// in `sessiond.dictionary` — committed before any frame names it — and makes this node's later frames use it.
    func runTrainer(_ batches: AsyncStream<[[UInt8]]>) async {
        for await samples in batches {
            do {
                let capacity = configuration.dictionaryCapacity
                let bytes = try await withCheckedThrowingContinuation { continuation in
                    // CPU-bound for a second or two: off the cooperative threads, as the file store does.
                    DispatchQueue.global(qos: .utility).async {
                        continuation.resume(with: Result { try LogDictionaries.train(samples: samples, capacity: capacity) })
                    }
                }
                var id: Int32?
                for try await found in try await client.query(
                    "INSERT INTO sessiond.dictionary (bytes) VALUES (\(ByteBuffer(bytes: bytes))) RETURNING id",
                    logger: logger
                ).decode(Int32.self) {
                    id = found
                }
                guard let id else { continue }
                try dictionaries.install(id: UInt32(id), bytes: bytes, activate: true)
                logger.info(
                    "trained compression dictionary",
                    metadata: ["log.dictionary": "\(id)", "log.samples": "\(samples.count)", "log.bytes": "\(bytes.count)"])
            } catch {
                logger.warning(
                    "dictionary training failed; frames stay without one",
                    metadata: ["log.error": "\(PostgresFailure.describe(error))"])
            }
        }
    }
}
