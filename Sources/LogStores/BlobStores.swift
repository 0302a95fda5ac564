import Blobs
import EventLog
import PostgresLog

/// Which blob store goes with a log: the one in PostgreSQL beside a shared log, so every node serves every file;
/// otherwise the node's own directory under its data directory.
public enum BlobStores {
    /// The blob store for `log`, opened on `dataDirectory`'s node.
    public static func store(beside log: any LogStore, dataDirectory: String) -> any BlobStore {
        if let postgres = log as? PostgresLogStore { return postgres.blobs }
        return FileBlobStore(root: directory(in: dataDirectory))
    }

    /// Where a file log's blobs live under a data directory (the daemon and every command agree on it).
    public static func directory(in dataDirectory: String) -> String { dataDirectory + "/blobs" }

    /// Whether `log` is shared with other nodes, which may upload while this process removes blobs.
    public static func isShared(_ log: any LogStore) -> Bool { log is PostgresLogStore }
}
