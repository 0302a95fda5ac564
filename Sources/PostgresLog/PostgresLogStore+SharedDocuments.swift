import EventLog
import NIOCore
import PostgresNIO
import Synchronization

extension PostgresLogStore {
    /// The bytes of the document `name` every node on this database shares (table `sessiond.shared_document`,
    /// schema version 5), or `nil` when none was written.
    /// - Throws: ``EventLog/EventLogError/unavailable(reason:)`` when the server cannot be reached.
    public func sharedDocument(_ name: String) async throws -> [UInt8]? {
        try await leased(deadline: configuration.transactionDeadline) { connection in
            try await self.readSharedDocument(name, on: connection)
        }
    }

    /// Replaces the document `name` with what `change` makes of its current bytes (`nil`: none yet), in one
    /// transaction holding a lock on the name, so changes from several nodes apply one after another and none is
    /// lost. `change` returning `nil` writes nothing.
    /// - Returns: The document's bytes afterwards.
    /// - Throws: What `change` throws (nothing written), or ``EventLog/EventLogError/unavailable(reason:)``.
    @discardableResult
    public func updateSharedDocument(_ name: String, _ change: @escaping @Sendable ([UInt8]?) throws -> [UInt8]?)
        async throws -> [UInt8]?
    {
        if let refusal = readOnlyRefusal(of: "updating a shared document") { throw refusal }
        // Told apart from the server's failures, which `leased` reports as "unavailable".
        let refused = Mutex<(any Error)?>(nil)
        do {
            return try await leased(deadline: configuration.transactionDeadline) { connection in
                try await self.transaction(on: connection) { connection in
                    // Its own statement, so the read below sees every change committed before the lock was granted.
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(Self.sharedDocumentLockClass), hashtext(\(name)))",
                        logger: self.logger)
                    let current = try await self.readSharedDocument(name, on: connection)
                    let changed: [UInt8]?
                    do {
                        changed = try change(current)
                    } catch {
                        refused.withLock { $0 = error }
                        throw error
                    }
                    guard let changed else { return current }
                    if changed != current { try await self.writeSharedDocument(name, changed, on: connection) }
                    return changed
                }
            }
        } catch {
            if let refusal = refused.withLock({ $0 }) { throw refusal }
            throw error
        }
    }

    /// The first key of the two-key advisory locks on shared documents (the second: the name's hash), apart from
    /// any other lock sessiond takes.
    static let sharedDocumentLockClass: Int32 = 0x5E55_D0C5

    /// Sets the document `name` to `bytes`, in the caller's transaction, and its time to the moment of this write
    /// (not the transaction's start: a mark written late in a long transaction must read as later than a `VACUUM`
    /// that started meanwhile, ``vacuumFull(_:clearing:after:on:)``).
    func writeSharedDocument(_ name: String, _ bytes: [UInt8], on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO sessiond.shared_document (name, bytes, updated_at)
            VALUES (\(name), \(ByteBuffer(bytes: bytes)), clock_timestamp())
            ON CONFLICT (name) DO UPDATE SET bytes = excluded.bytes, updated_at = clock_timestamp()
            """, logger: logger)
    }

    /// The document `name`'s bytes as `connection`'s transaction sees them, or `nil`.
    func readSharedDocument(_ name: String, on connection: PostgresConnection) async throws -> [UInt8]? {
        var found: [UInt8]?
        for try await bytes in try await connection.query(
            "SELECT bytes FROM sessiond.shared_document WHERE name = \(name)", logger: logger
        ).decode(ByteBuffer.self) {
            found = Array(bytes.readableBytesView)
        }
        return found
    }
}
