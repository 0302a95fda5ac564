import EventLog
import Foundation
import Logging

extension PostgresLogStore {
    /// How a ``PostgresLogStore`` behaves; the defaults suit a production node.
    public struct Configuration: Sendable {
        /// `fsync`: an append returns once PostgreSQL has committed it durably (`synchronous_commit` as the server
        /// sets it, `on` by default). `none`: append transactions run with `synchronous_commit = off`, so a crash of
        /// the server can lose acknowledged appends (tests and benchmarks only).
        public var durability: EventLog.Durability = .fsync
        /// zstd level for frames.
        public var compressionLevel: Int32 = 3
        /// A group-commit batch larger than this (uncompressed) is split into several frames.
        public var maximumFrameBytes = 1 << 20
        /// When this node trains a dictionary (only when the database has none yet).
        public var dictionaryTraining: EventLog.DictionaryTraining = .afterSampleBytes(4 << 20)
        /// The dictionary's size budget in bytes.
        public var dictionaryCapacity = 64 << 10
        /// How often the node reads the log head when no notification woke it: the bound on how late it learns of
        /// frames other nodes appended while its LISTEN connection was down.
        public var pollInterval: Duration = .milliseconds(200)
        /// The longest an append (or a read) waits for a connection before failing with
        /// ``EventLog/EventLogError/unavailable(reason:)``: short, so a client hears 503 instead of hanging.
        public var connectionTimeout: Duration = .seconds(5)
        /// The longest opening waits for the server: patient, since nodes and the database often start together.
        public var openTimeout: Duration = .seconds(30)
        /// PostgreSQL's `lock_timeout` inside an append: how long it waits for the log head's lock (in whole
        /// milliseconds, at least 1); ``transactionDeadline`` bounds the rest of the transaction.
        public var statementTimeout: Duration = .seconds(10)
        /// The longest one append or read transaction may take from its lease to its end, after which the node
        /// closes the connection and answers "unavailable": a backstop for a server that neither answers nor closes.
        public var transactionDeadline: Duration = .seconds(15)
        /// The most connections the node opens for reads, maintenance and the listener (one of them stays on
        /// LISTEN); the append writer has one more connection of its own.
        public var maximumConnections = 8
        /// The time source for `recordedAt`, in microseconds since 1970; tests inject one.
        public var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }
        /// Where the store reports; silent unless the caller passes one.
        public var logger = Logger(label: "sessiond.postgreslog", factory: { _ in SwiftLogNoOpLogHandler() })
        /// Open for reading only: the schema is neither created nor migrated (a database without one, or of an older
        /// version, is refused with ``PostgresLogError/schemaNotMigrated(found:supported:)``), the store's
        /// connections start with `default_transaction_read_only` on, and appends, compaction, dictionary imports
        /// and shared-document updates fail with ``EventLog/EventLogError/readOnly(operation:location:)``.
        public var isReadOnly = false

        /// Creates the default configuration.
        public init() {}

        /// The settings the file store's configuration shares with this one (durability, compression, frame size,
        /// dictionaries, clock, logger, read-only); the rest keep their defaults.
        public init(_ log: EventLog.Configuration) {
            durability = log.durability
            compressionLevel = log.compressionLevel
            maximumFrameBytes = log.maximumFrameBytes
            dictionaryTraining = log.dictionaryTraining
            dictionaryCapacity = log.dictionaryCapacity
            clock = log.clock
            logger = log.logger
            isReadOnly = log.isReadOnly
        }
    }
}
