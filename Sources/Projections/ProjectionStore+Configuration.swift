import Foundation
import Logging

extension ProjectionStore {
    /// How a ``ProjectionStore`` reads and reports; the defaults suit the daemon.
    public struct Configuration: Sendable {
        /// Seconds without activity after which a session reports `idle`.
        public var idleTimeout: TimeInterval = 15 * 60
        /// The clock that status is derived from at read time; tests inject a fixed one.
        public var clock: @Sendable () -> Date = { Date() }
        /// How many connections may read concurrently.
        public var maximumReaderCount = 4
        /// Bytes of sessions' latest JSON exports kept in memory, so that loading an unchanged transcript again
        /// renders nothing (decision 0153); 0 keeps none. An export above a quarter of it is never kept.
        public var exportCacheBytes = 32 << 20
        /// Records per batch when a rebuild or a catch-up replays the log (per transaction, except in a
        /// rebuild's fresh file, which is one transaction).
        public var rebuildBatchSize = 8192
        /// Session rows a rebuild keeps in memory between batches; beyond it the changed ones are written and
        /// all are read again when next needed.
        public var rebuildSessionRows = 100_000
        /// Live messages a rebuild keeps in memory (≈ 24–48 bytes each) so that it builds the transcript's
        /// session index only at its end; beyond it the index is built at once and the rest of the rebuild
        /// finds the messages it removes through it.
        public var rebuildLiveMessages = 4_000_000
        /// Where the store reports rebuilds and refusals; silent unless the caller passes one.
        public var logger = Logger(label: "sessiond.projections", factory: { _ in SwiftLogNoOpLogHandler() })

        /// Creates the default configuration.
        public init() {}
    }
}
