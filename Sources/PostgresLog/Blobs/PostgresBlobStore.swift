import Blobs
import EventLog
import Foundation
import NIOCore
import PostgresNIO

/// Session files' bytes in the same PostgreSQL database as the log (table `sessiond.blob`, schema version 4), so
/// a file uploaded through one node downloads through every other (decision 0167). One row per blob: its digest,
/// its bytes, and the time it was last written (the server's clock).
///
/// Writes commit as the server commits (durable with `synchronous_commit` on, its default). Removing blobs deletes
/// their rows and, when it deleted any, has `VACUUM FULL` rewrite the table, as compaction does for frames, so no
/// dead row version keeps an erased file's bytes in the table's files; uploads and downloads wait while it runs.
/// Every failure is ``Blobs/BlobStoreUnavailable``: nothing an upload recorded.
public struct PostgresBlobStore: BlobStore {
    let log: PostgresLogStore

    public func write(_ bytes: [UInt8]) async throws -> BlobDigest {
        // Hashing and copying up to the upload limit happen beside the cooperative pool.
        let (digest, buffer) = try await offTheCooperativePool { (BlobDigest(of: bytes), ByteBuffer(bytes: bytes)) }
        // Bytes already stored: their time moves, and they are read and hashed once more; they stay as they are
        // (the row keeps its TOAST pointer, nothing is copied) unless they no longer hash to their digest, when this
        // write replaces them.
        _ = try await run(deadline: log.configuration.transactionDeadline) { connection in
            try await connection.query(
                """
                INSERT INTO sessiond.blob (digest, bytes) VALUES (\(digest.hex), \(buffer))
                ON CONFLICT (digest) DO UPDATE SET modified_at = now(),
                    bytes = CASE WHEN sha256(sessiond.blob.bytes) = decode(excluded.digest, 'hex')
                        THEN sessiond.blob.bytes ELSE excluded.bytes END
                """, logger: log.logger)
        }
        return digest
    }

    public func read(_ digest: BlobDigest) async throws -> [UInt8]? {
        let found = try await run(deadline: log.configuration.transactionDeadline) { connection in
            var found: ByteBuffer?
            for try await bytes in try await connection.query(
                "SELECT bytes FROM sessiond.blob WHERE digest = \(digest.hex)", logger: log.logger
            ).decode(ByteBuffer.self) {
                found = bytes
            }
            return found
        }
        guard let found else { return nil }
        return try await offTheCooperativePool { try DamagedBlob.checked(Array(found.readableBytesView), as: digest) }
    }

    /// Also finishes an earlier removal's `VACUUM FULL` that never ran, even when given no digests.
    public func remove(_ digests: [BlobDigest], writtenNoLaterThan cutoff: Date) async throws -> [StoredBlob] {
        try await run(deadline: PostgresLogStore.maintenanceDeadline) { connection in
            let (removed, xid) = try await log.transaction(on: connection) { connection in
                // The time is checked in the DELETE itself: a blob written again since the caller listed it stays.
                let rows = try await connection.query(
                    """
                    DELETE FROM sessiond.blob WHERE digest = ANY(\(digests.map(\.hex)))
                    AND modified_at <= to_timestamp(\(cutoff.timeIntervalSince1970))
                    RETURNING \(unescaped: Self.listedColumns)
                    """, logger: log.logger)
                var removed: [StoredBlob] = []
                for try await row in rows.decode((String, Int64, Int64).self) {
                    if let blob = Self.storedBlob(row) { removed.append(blob) }
                }
                // Committed with the DELETE, cleared after the VACUUM: a removal that never got to its VACUUM
                // (failed, cancelled, the node killed) leaves it for the next one, on any node.
                if !removed.isEmpty { try await log.writeSharedDocument(Self.vacuumPending, [], on: connection) }
                return (removed, try await log.currentTransactionID(on: connection))
            }
            let pending = try await log.readSharedDocument(Self.vacuumPending, on: connection) != nil
            guard !removed.isEmpty || pending else { return [] }
            try await log.vacuumFull(["sessiond.blob"], clearing: Self.vacuumPending, after: xid, on: connection)
            return removed
        }
    }

    public func stored() async throws -> [StoredBlob] {
        try await run(deadline: log.configuration.transactionDeadline) { connection in
            var blobs: [StoredBlob] = []
            for try await row in try await connection.query(
                "SELECT \(unescaped: Self.listedColumns) FROM sessiond.blob ORDER BY digest", logger: log.logger
            ).decode((String, Int64, Int64).self) {
                if let blob = Self.storedBlob(row) { blobs.append(blob) }
            }
            return blobs
        }
    }

    /// The shared document marking deleted blob rows whose `VACUUM FULL` has not run yet.
    static let vacuumPending = "blob-vacuum-pending"

    /// What a listing reads of a row: digest, size, time in microseconds since 1970.
    private static let listedColumns =
        "digest, octet_length(bytes)::bigint, (extract(epoch FROM modified_at) * 1000000)::bigint"

    private static func storedBlob(_ row: (String, Int64, Int64)) -> StoredBlob? {
        guard let digest = BlobDigest(hex: row.0) else { return nil }
        return StoredBlob(
            digest: digest, byteCount: UInt64(row.1), modified: Date(timeIntervalSince1970: TimeInterval(row.2) / 1_000_000))
    }

    private func run<T: Sendable>(deadline: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        do {
            return try await log.leased(deadline: deadline, body)
        } catch {
            // A request cancelled at shutdown is not a database outage.
            if Task.isCancelled { throw CancellationError() }
            throw BlobStoreUnavailable(reason: PostgresFailure.describe(error))
        }
    }
}

extension PostgresLogStore {
    /// The session files' bytes kept beside this log, shared by every node on it.
    public var blobs: PostgresBlobStore { PostgresBlobStore(log: self) }
}
