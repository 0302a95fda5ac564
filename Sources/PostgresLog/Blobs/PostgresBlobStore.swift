import Blobs
import EventLog
import Foundation
import NIOCore
import PostgresNIO

/// Session files' bytes in the same PostgreSQL database as the log (table `sessiond.blob`, schema version 4), so
/// a file uploaded through one node downloads through every other (decision 0167). One row per blob: its digest,
/// its bytes, and the time it was last written.
///
/// Writes commit as the server commits (durable with `synchronous_commit` on, its default). Removing blobs deletes
/// their rows and has `VACUUM FULL` rewrite the table, as compaction does for frames, so no dead row version keeps
/// an erased file's bytes in the table's files; uploads wait while it runs.
public struct PostgresBlobStore: BlobStore {
    let log: PostgresLogStore

    public func write(_ bytes: [UInt8]) async throws -> BlobDigest {
        let digest = BlobDigest(of: bytes)
        // Bytes already stored: only their time moves (the row keeps its TOAST pointer, nothing is copied).
        try await lease(deadline: log.configuration.transactionDeadline) { connection in
            try await connection.query(
                """
                INSERT INTO sessiond.blob (digest, bytes) VALUES (\(digest.hex), \(ByteBuffer(bytes: bytes)))
                ON CONFLICT (digest) DO UPDATE SET modified_at = now()
                """, logger: log.logger)
        }
        return digest
    }

    public func read(_ digest: BlobDigest) async throws -> [UInt8]? {
        try await lease(deadline: log.configuration.transactionDeadline) { connection in
            var found: [UInt8]?
            for try await bytes in try await connection.query(
                "SELECT bytes FROM sessiond.blob WHERE digest = \(digest.hex)", logger: log.logger
            ).decode(ByteBuffer.self) {
                found = Array(bytes.readableBytesView)
            }
            return found
        }
    }

    public func remove(_ digests: [BlobDigest]) async throws {
        guard !digests.isEmpty else { return }
        try await lease(deadline: PostgresLogStore.maintenanceDeadline) { connection in
            let xid = try await log.transaction(on: connection) { connection -> Int64? in
                try await connection.query(
                    "DELETE FROM sessiond.blob WHERE digest = ANY(\(digests.map(\.hex)))", logger: log.logger)
                var xid: Int64?
                for try await found in try await connection.query("SELECT txid_current()", logger: log.logger)
                    .decode(Int64.self)
                {
                    xid = found
                }
                return xid
            }
            try await log.waitForOlderSnapshots(than: xid, on: connection)
            try await connection.query("VACUUM (FULL) sessiond.blob", logger: log.logger)
        }
    }

    public func stored() async throws -> [StoredBlob] {
        try await lease(deadline: log.configuration.transactionDeadline) { connection in
            var blobs: [StoredBlob] = []
            for try await (hex, byteCount, micros) in try await connection.query(
                """
                SELECT digest, octet_length(bytes)::bigint, (extract(epoch FROM modified_at) * 1000000)::bigint
                FROM sessiond.blob ORDER BY digest
                """, logger: log.logger
            ).decode((String, Int64, Int64).self) {
                guard let digest = BlobDigest(hex: hex) else { continue }
                blobs.append(
                    StoredBlob(
                        digest: digest, byteCount: UInt64(byteCount),
                        modified: Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000)))
            }
            return blobs
        }
    }

    /// A pooled connection within the log's connection timeout; an unreachable server is the log's
    /// ``EventLog/EventLogError/unavailable(reason:)``, as for an append.
    private func lease<T: Sendable>(
        deadline: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await withLease(log.client, timeout: log.configuration.connectionTimeout, deadline: deadline, body)
        } catch {
            throw PostgresFailure.unavailable(error)
        }
    }
}

extension PostgresLogStore {
    /// The session files' bytes kept beside this log, shared by every node on it.
    public var blobs: PostgresBlobStore { PostgresBlobStore(log: self) }
}
