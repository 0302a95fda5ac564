import EventLog
import Logging
import ServiceLifecycle
import Synchronization

/// The service that keeps the projections up to date: it catches up from the checkpoint at start, then
/// applies each new batch of the log as it lands, each in one transaction that also moves the checkpoint.
///
/// Writers wait on ``waitUntilApplied(_:)`` before answering (read-your-writes). The loop stops on
/// cancellation or graceful shutdown after its current transaction, and on a failure (an undecodable record,
/// a checkpoint conflict), which it logs, rethrows and reports to every waiter. A full disk does not stop it: the
/// batch is retried until space returns, and while it is, waiting writers get ``ProjectionError/diskFull(operation:)``
/// instead of waiting. Nor does a log store that cannot be reached (PostgreSQL restarting): the read is retried until
/// it answers, while the projections keep serving what they have, and each failed read answers the writers waiting
/// then with ``EventLog/EventLogError/unavailable(reason:)`` (their change may be recorded: a retry with the same
/// idempotency key finds it) rather than keeping them waiting for the outage's length.
public final class ReplayLoop: Service {
    /// How the loop batches its work.
    public struct Configuration: Sendable {
        /// At most this many records per transaction.
        public var batchSize = 4096
        /// A test hook run inside each transaction after the checkpoint moved, before the commit; throwing
        /// rolls the batch back, as a crash before the commit would.
        package var beforeCommit: (@Sendable (LogPosition) throws -> Void)?
        /// Run after each batch is committed and before its position is published — so before any writer
        /// waiting for it answers — with what the batch did to each session it touched: a cache of the sessions'
        /// latest state drops or extends them here to keep read-your-writes.
        public var afterCommit: (@Sendable (_ batch: CommittedBatch) -> Void)?
        /// How long the loop waits before retrying a batch that failed because the disk was full.
        public var diskFullRetryDelay: Duration = .seconds(1)
        /// How long the loop waits before reading again from a log store that was unavailable.
        public var unavailableRetryDelay: Duration = .milliseconds(200)
        /// How long the loop, caught up, waits for the log to grow before it truncates the projection's WAL
        /// (``ProjectionStore/truncateWALWhenIdle()``); `nil` never truncates it that way.
        public var idleCheckpointDelay: Duration? = .milliseconds(50)
        /// Where the loop reports; silent unless the caller passes one.
        public var logger = Logger(label: "sessiond.replay", factory: { _ in SwiftLogNoOpLogHandler() })

        /// Creates the default configuration.
        public init() {}
    }

    /// Whether the loop is keeping the projections up to date, for `/health`; the raw values are what it reports.
    public enum Condition: String, Sendable {
        /// Applying the log, or caught up and waiting for it to grow (or for an unavailable log store to answer).
        case running
        /// The last batch failed for lack of disk space and is retried until space returns; the projections
        /// serve what they have, and writers waiting for them get ``ProjectionError/diskFull(operation:)``.
        case diskFull = "disk_full"
        /// The loop ended on a failure (an undecodable record, a checkpoint conflict): nothing more is applied.
        case failed
        /// The loop was cancelled or shut down, or the log closed: nothing more is applied.
        case stopped
    }

    private struct Progress {
        var applied: LogPosition?
        var failure: ProjectionError?
        /// The loop ended by failing (``run()`` rethrew), not by being stopped.
        var failed = false
        /// The last batch failed for lack of disk space and is being retried; waiters are told so at once.
        var diskFull = false
        var waiters: [(id: Int, position: LogPosition, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextWaiterID = 0
    }

    /// The store the loop writes.
    public let store: ProjectionStore
    /// The log the loop reads.
    public let log: any LogStore
    /// The loop's configuration.
    public let configuration: Configuration
    private let progress = Mutex(Progress())

    /// Creates a loop; it does nothing until ``run()``.
    public init(store: ProjectionStore, log: any LogStore, configuration: Configuration = Configuration()) {
        self.store = store
        self.log = log
        self.configuration = configuration
    }

    /// The position the projections have applied, as far as this loop knows (`nil` before it started).
    public var appliedPosition: LogPosition? { progress.withLock { $0.applied } }

    /// Whether the loop is keeping the projections up to date (``Condition/running`` before it started).
    public var condition: Condition {
        progress.withLock { progress in
            if progress.failure != nil { return progress.failed ? .failed : .stopped }
            return progress.diskFull ? .diskFull : .running
        }
    }

    /// Runs until cancelled or gracefully shut down: catch up from the checkpoint, then follow the log.
    /// - Throws: What stopped the loop, other than cancellation.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.follow() }
        } catch is CancellationError {
            finish(.replayStopped(reason: "the replay loop was stopped"))
        } catch EventLogError.closed {
            finish(.replayStopped(reason: "the log was closed"))
        } catch let error as ProjectionError {
            logFailure(error)
            finish(error, failed: true)
            throw error
        } catch {
            logFailure(error)
            finish(.replayStopped(reason: "the replay loop failed: \(error)"), failed: true)
            throw error
        }
    }

    /// Reports the failure that ends the loop: the service group that runs it logs a failing service only at
    /// debug level, and the projections stay where they are until the process is restarted.
    private func logFailure(_ error: any Error) {
        let position = appliedPosition.map { "\($0)" } ?? "none"
        configuration.logger.critical(
            "replay loop failed; the projections apply nothing more",
            metadata: ["log.position": "\(position)", "error": "\(error)"])
    }

    /// Suspends until the projections have applied `position` (read-your-writes), returning at once when they
    /// already have.
    /// - Throws: ``ProjectionError/replayStopped(reason:)`` (or the loop's failure) when the loop ends first;
    ///   `CancellationError` when the waiting task is cancelled.
    public func waitUntilApplied(_ position: LogPosition) async throws {
        if let applied = appliedPosition, applied >= position { return }
        let id = progress.withLock { progress in
            progress.nextWaiterID += 1
            return progress.nextWaiterID
        }
        // Cancellable: a waiter whose task is cancelled (a client that went away) is answered at once instead of
        // holding its task until the loop reaches the position.
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = progress.withLock { progress in
                    if let applied = progress.applied, applied >= position { return .success(()) }
                    if let failure = progress.failure { return .failure(failure) }
                    if progress.diskFull { return .failure(ProjectionError.diskFull(operation: "apply")) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    progress.waiters.append((id, position, continuation))
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let cancelled = progress.withLock { progress -> CheckedContinuation<Void, any Error>? in
                guard let index = progress.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return progress.waiters.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    private func follow() async throws {
        var position = try await store.checkpoint()
        publish(position)
        configuration.logger.info("replay loop started", metadata: ["log.position": "\(position)"])
        let log = self.log
        let batchSize = configuration.batchSize
        let retry = (delay: configuration.unavailableRetryDelay, logger: configuration.logger)
        let (store, idleDelay) = (self.store, configuration.idleCheckpointDelay)
        @Sendable func fetch(after position: LogPosition) async throws -> [DecodedRecord] {
            try await Self.retryingWhileUnavailable(retry.delay, retry.logger, failWaiters: failWaiting) {
                var records = try await log.read(from: position.next, limit: batchSize)
                if records.isEmpty, let delay = idleDelay {
                    // Caught up: once the log has been quiet for `delay`, truncate the WAL; a reader still using
                    // it makes that busy, so try again after each further quiet `delay`.
                    while try await !Self.grows(log, after: position, within: delay), await !store.truncateWALWhenIdle() {}
                }
                while records.isEmpty {
                    _ = try await log.waitForDurableEnd(after: position)
                    records = try await log.read(from: position.next, limit: batchSize)
                }
                return try DecodedRecord.decode(records)
            }
        }
        var batch = try await fetch(after: position)
        while true {
            // Between transactions: the apply runs synchronously (decision 0149) and reading from memory does not
            // suspend, so without this check a cancelled loop would go on until it reached the log's end.
            try Task.checkCancellation()
            guard let last = batch.last?.position else { break }
            // Read and decode the next batch while SQLite applies this one.
            async let next = fetch(after: last)
            position = try await applyRetryingWhileDiskFull(batch, from: position)
            configuration.afterCommit?(CommittedBatch(batch))
            publish(position)
            batch = try await next
        }
    }

    /// Whether the log's durable end passes `position` within `delay`.
    private static func grows(_ log: any LogStore, after position: LogPosition, within delay: Duration) async throws
        -> Bool
    {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await log.waitForDurableEnd(after: position)
                return true
            }
            group.addTask {
                try await Task.sleep(for: delay)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }

    /// Runs `read`; while the log's store is unavailable, logs it once, answers the writers waiting then, and tries
    /// again after `delay`.
    private static func retryingWhileUnavailable<T>(
        _ delay: Duration, _ logger: Logger, failWaiters: (EventLogError) -> Void, _ read: @Sendable () async throws -> T
    ) async throws -> T {
        var warned = false
        let value = try await EventLogError.retryingWhileUnavailable(every: delay) { reason in
            if !warned {
                logger.warning("the log's store is unavailable; retrying", metadata: ["log.error": "\(reason)"])
                warned = true
            }
            failWaiters(.unavailable(reason: reason))
        } _: {
            try await read()
        }
        if warned { logger.notice("the log's store answers again; replay resumed") }
        return value
    }

    /// Applies `batch`; while SQLite reports a full disk (the transaction rolled back), logs it and tries again.
    private func applyRetryingWhileDiskFull(_ batch: [DecodedRecord], from position: LogPosition) async throws
        -> LogPosition
    {
        var warned = false
        while true {
            do {
                let applied = try await store.apply(batch, from: position, beforeCommit: configuration.beforeCommit)
                if warned { configuration.logger.notice("projection database has space again; replay resumed") }
                return applied
            } catch ProjectionError.diskFull(let operation) {
                if !warned {
                    configuration.logger.error(
                        "projection database disk is full; retrying until space is freed",
                        metadata: ["log.position": "\(position)", "projection.path": "\(store.path)"])
                    warned = true
                    stall(.diskFull(operation: operation))
                }
                try await Task.sleep(for: configuration.diskFullRetryDelay)
            }
        }
    }

    /// Answers the writers waiting now with `failure`; later ones wait as usual.
    private func failWaiting(_ failure: EventLogError) {
        let waiting = progress.withLock { progress in
            defer { progress.waiters.removeAll() }
            return progress.waiters.map(\.continuation)
        }
        for continuation in waiting { continuation.resume(throwing: failure) }
    }

    /// Answers every waiter with `failure` and every later one too, until the next batch is applied.
    private func stall(_ failure: ProjectionError) {
        let waiting = progress.withLock { progress in
            progress.diskFull = true
            defer { progress.waiters.removeAll() }
            return progress.waiters.map(\.continuation)
        }
        for continuation in waiting { continuation.resume(throwing: failure) }
    }

    private func publish(_ position: LogPosition) {
        let ready = progress.withLock { progress in
            progress.applied = position
            progress.diskFull = false
            var ready: [CheckedContinuation<Void, any Error>] = []
            progress.waiters.removeAll { waiter in
                guard waiter.position <= position else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    private func finish(_ failure: ProjectionError, failed: Bool = false) {
        let waiting = progress.withLock { progress in
            progress.failure = failure
            progress.failed = failed
            defer { progress.waiters.removeAll() }
            return progress.waiters.map(\.continuation)
        }
        for continuation in waiting { continuation.resume(throwing: failure) }
    }
}
