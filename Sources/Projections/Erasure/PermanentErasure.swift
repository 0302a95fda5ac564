import Blobs
import EventLog
import Foundation
import Logging

/// Permanent deletion's second half: erases what a tombstone left on disk — the deleted sessions' records in
/// the log, their rows' traces in the projection database files, and the blobs only they referred to.
///
/// One run: finds the sessions awaiting erasure in the projection (tombstone applied, records before it not yet
/// erased); compacts the log with ``ErasureRewrite`` (every record of theirs before their latest tombstone but the
/// tombstones becomes `event.erased`, crash-safely, positions unchanged; a session created again after its
/// tombstone keeps its new records, decision 0177); rewrites their event index rows to what a rebuild of the
/// compacted log projects; scrubs the database files (WAL truncated, vacuumed); and removes every blob that no
/// file row names. Each step is idempotent, so a run interrupted anywhere is finished by the next one.
///
/// Runs beside a serving daemon: the log compacts while appends and reads go on, the projection's readers keep
/// reading, and a blob younger than ``Configuration/blobGracePeriod`` is never removed (an upload writes its
/// blob before the event naming it is applied).
public struct PermanentErasure: Sendable {
    /// How a run treats young blobs and where it reports.
    public struct Configuration: Sendable {
        /// An unreferenced blob written more recently than this stays until a later run. 0 when nothing else
        /// writes the blob store (`sessiond compact` on a file log holds its data directory's lock).
        public var blobGracePeriod: TimeInterval = 10 * 60
        /// Whether a run brings the projection up to the log itself before reading which blobs are referenced:
        /// for a command holding the projection. Otherwise (the daemon) it waits for the replay loop, up to
        /// ``catchUpWait``.
        public var catchesUp = false
        /// How long a run waits for the replay loop to apply what the log held when the blobs were listed; past
        /// it, no blob is removed that run.
        public var catchUpWait: Duration = .seconds(10)
        /// The clock blob ages are measured against.
        public var clock: @Sendable () -> Date = { Date() }
        /// Where a run reports what it erased (counts, never content).
        public var logger = Logger(label: "sessiond.erasure", factory: { _ in SwiftLogNoOpLogHandler() })

        /// Creates the default configuration: a 10-minute grace period for blobs.
        public init() {}
    }

    /// The log to compact.
    public let log: any LogStore
    /// The projections: who is deleted, which blobs are referenced.
    public let store: ProjectionStore
    /// The session files' bytes.
    public let blobs: any BlobStore
    /// Grace period, clock, logger.
    public let configuration: Configuration

    /// Creates an erasure over a log, a projection of it and the blob store beside the log.
    public init(log: any LogStore, store: ProjectionStore, blobs: any BlobStore, configuration: Configuration = .init()) {
        self.log = log
        self.store = store
        self.blobs = blobs
        self.configuration = configuration
    }

    /// What a run would erase now, changing nothing.
    public func plan() async throws -> ErasurePlan {
        let tombstones = try await store.sessionsAwaitingErasure()
        var plan = ErasurePlan(records: try await store.recordsAwaitingErasure(in: tombstones))
        for session in tombstones.keys where plan.records[session] == nil { plan.records[session] = 0 }
        plan.blobs = try await unreferencedBlobs().blobs
        return plan
    }

    /// Erases everything the plan names.
    /// - Parameter progress: Called with each log position the compaction reads (from a background thread).
    /// - Returns: What was erased.
    /// - Throws: A log, projection or blob store error; what was done before it stays done.
    public func run(progress: (@Sendable (LogPosition) -> Void)? = nil) async throws -> ErasureReport {
        var report = ErasureReport()
        // Read once: the rewrite and the audit rows are bounded by the same tombstones.
        let tombstones = try await store.sessionsAwaitingErasure()
        report.sessions = Set(tombstones.keys)
        if !tombstones.isEmpty {
            let rewrite = ErasureRewrite(tombstones: tombstones.mapValues(\.version))
            // Purging them even when nothing of theirs is left to rewrite: an earlier run may have died between
            // rewriting their records and retiring a dictionary trained on them (they stay awaiting erasure until
            // `markErased`). Purging is per stream: a dictionary trained on a re-created session's new records goes
            // too, which costs a retraining, never a byte of the deleted incarnation.
            report.log = try await log.compact(purging: report.sessions) { record in
                progress?(record.position)
                return rewrite.replacement(for: record)
            }
            report.auditRowsErased = try await store.markErased(tombstones)
            report.projection = try await store.scrub()
        }
        let (unreferenced, cutoff) = try await unreferencedBlobs()
        let removed = try await blobs.remove(unreferenced.map(\.digest), writtenNoLaterThan: cutoff)
        report.blobsRemoved = removed.count
        report.blobBytesRemoved = removed.reduce(0) { $0 + $1.byteCount }
        if !report.isEmpty {
            configuration.logger.notice(
                "erased permanently deleted sessions",
                metadata: [
                    "erasure.sessions": "\(report.sessions.count)",
                    "log.records": "\(report.log?.recordsRewritten ?? 0)",
                    "log.segments_rewritten": "\(report.log?.segmentsRewritten ?? 0)",
                    "projection.bytes_before": "\(report.projection?.bytesBefore ?? 0)",
                    "projection.bytes_after": "\(report.projection?.bytesAfter ?? 0)",
                    "blobs.removed": "\(report.blobsRemoved)",
                ])
        }
        return report
    }

    /// Blobs no file row names, last written before the grace period, with their sizes; and that cutoff, which
    /// the removal checks again (a blob written anew since the listing stays).
    ///
    /// The blobs are listed first, and the references read from a projection that has applied everything the log
    /// held after that: a listed blob whose event was appended by then, through any node sharing the store, is
    /// seen referenced, and one whose upload had not appended its event yet is younger than the grace period.
    private func unreferencedBlobs() async throws -> (blobs: [(digest: BlobDigest, bytes: UInt64)], cutoff: Date) {
        let cutoff = configuration.clock().addingTimeInterval(-configuration.blobGracePeriod)
        let listed = try await blobs.stored()
        let end = try await log.durableEnd()
        guard try await projectionReaches(end) else {
            configuration.logger.notice(
                "blobs not collected: the projection did not catch up with the log",
                metadata: ["log.position": "\(end.rawValue)"])
            return ([], cutoff)
        }
        let referenced = try await store.referencedBlobDigests()
        let unreferenced = listed
            .filter { !referenced.contains($0.digest.hex) && $0.modified <= cutoff }
            .map { (digest: $0.digest, bytes: $0.byteCount) }
        return (unreferenced, cutoff)
    }

    /// Whether the projection has applied `position`: brought there by this run (``Configuration/catchesUp``) or
    /// by the replay loop within ``Configuration/catchUpWait``.
    private func projectionReaches(_ position: LogPosition) async throws -> Bool {
        if configuration.catchesUp { return try await store.catchUp(from: log) >= position }
        let deadline = ContinuousClock.now + configuration.catchUpWait
        while try await store.checkpoint() < position {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}

/// What ``PermanentErasure/plan()`` found.
public struct ErasurePlan: Sendable {
    /// Sessions awaiting erasure and how many of their records before their latest tombstone the log still holds
    /// unerased.
    public var records: [String: Int]
    /// Blobs no file row names (and old enough to remove), with their sizes.
    public var blobs: [(digest: BlobDigest, bytes: UInt64)] = []

    /// Whether a run would change nothing.
    public var isEmpty: Bool { records.isEmpty && blobs.isEmpty }
}

/// What ``PermanentErasure/run(progress:)`` did.
public struct ErasureReport: Sendable {
    /// The sessions whose records before their latest tombstone were erased.
    public var sessions: Set<String> = []
    /// The log compaction, when there were sessions to erase.
    public var log: CompactionReport?
    /// Event index rows rewritten to the erased form.
    public var auditRowsErased = 0
    /// The projection database scrub, when there were sessions to erase.
    public var projection: ScrubReport?
    /// Blobs removed and their bytes.
    public var blobsRemoved = 0
    public var blobBytesRemoved: UInt64 = 0

    /// Whether the run found nothing to erase.
    public var isEmpty: Bool { sessions.isEmpty && blobsRemoved == 0 }
}
