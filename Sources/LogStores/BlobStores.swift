import Blobs
import EventLog
import Foundation
import PostgresLog

/// Which blob store goes with a log: the one in PostgreSQL beside a shared log, so every node serves every file;
/// otherwise the node's own directory under its data directory.
public enum BlobStores {
    /// The blob store for `log`, opened on `dataDirectory`'s node.
    public static func store(beside log: any LogStore, dataDirectory: String) -> any BlobStore {
        if let postgres = log as? PostgresLogStore { return postgres.blobs }
        return FileBlobStore(root: directory(in: dataDirectory))
    }

    /// The blob store for `log`, as ``store(beside:dataDirectory:)``, for a node that serves or compacts: beside a
    /// shared log, blobs an older sessiond left under `dataDirectory` (before decision 0167) are first copied into
    /// the shared store, then removed there, so every node serves them and compaction erases them.
    /// - Returns: The store, and how many blobs were moved into it.
    public static func open(beside log: any LogStore, dataDirectory: String) async throws
        -> (store: any BlobStore, moved: Int)
    {
        let store = store(beside: log, dataDirectory: dataDirectory)
        guard isShared(log) else { return (store, 0) }
        let leftovers = FileBlobStore(root: directory(in: dataDirectory))
        let local = try await leftovers.stored()
        guard !local.isEmpty else { return (store, 0) }
        _ = try await LogCopy.copyBlobs(from: leftovers, to: store)
        let moved = try await leftovers.remove(local.map(\.digest), writtenNoLaterThan: .distantFuture)
        return (store, moved.count)
    }

    /// Where a file log's blobs live under a data directory (the daemon and every command agree on it).
    public static func directory(in dataDirectory: String) -> String { dataDirectory + "/blobs" }

    /// Whether `log` is shared with other nodes, which may upload while this process removes blobs.
    public static func isShared(_ log: any LogStore) -> Bool { log is PostgresLogStore }
}
