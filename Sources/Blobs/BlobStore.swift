import Foundation

/// Where session files' bytes are kept: content-addressed, each blob stored once under its ``BlobDigest``,
/// whoever refers to it.
///
/// Two stores: ``FileBlobStore`` under a node's data directory (with the file log), and the PostgreSQL store
/// beside a shared log (`PostgresLog`), so that a file uploaded through one node downloads through any other.
///
/// A store knows nothing of sessions or references. Who refers to a blob is the projections' business: a blob
/// is referenced by every row of the projection's `file` table whose `sha256` is its digest — rows of files
/// later removed included, since as-of reads and exports before the removal still name them; a permanently
/// deleted session's rows go with its tombstone. Two sessions uploading the same bytes share one blob, so
/// erasing a deleted session's blobs, or collecting unreferenced ones, is ``stored()`` minus the digests still in
/// that table, then ``remove(_:writtenNoLaterThan:)``.
///
/// A blob is written before the event that refers to it is appended; a failed append leaves an unreferenced
/// blob for that collection, never an event without its bytes. Writing bytes already stored refreshes the
/// blob's time, which is how a collection tells a blob about to be referenced from an abandoned one
/// (`PermanentErasure` spares blobs younger than its grace period, decision 0035).
public protocol BlobStore: Sendable {
    /// Stores `bytes` durably and returns their digest. Bytes already stored are not written again; their time
    /// is set to now. A damaged copy (``DamagedBlob``) is replaced.
    func write(_ bytes: [UInt8]) async throws -> BlobDigest

    /// The bytes of a stored blob, or `nil` when there is none with this digest.
    /// - Throws: ``DamagedBlob`` when the stored bytes do not hash to `digest`.
    func read(_ digest: BlobDigest) async throws -> [UInt8]?

    /// Erases durably those of `digests` last written no later than `cutoff`, leaving no copy of their bytes in
    /// what the store keeps (free disk blocks and PostgreSQL's WAL are out of its reach, docs/reliability.md).
    /// A blob written again after `cutoff` — the same bytes uploaded anew since the caller found it unreferenced —
    /// stays, and so does one already gone.
    /// - Returns: The blobs erased, with their sizes.
    func remove(_ digests: [BlobDigest], writtenNoLaterThan cutoff: Date) async throws -> [StoredBlob]

    /// Every stored blob, in digest order.
    func stored() async throws -> [StoredBlob]
}
