import Foundation
import Glibc

/// A ``BlobStore`` in a directory of the node's own: each blob is a file under `ROOT/<first 2 hex digits>/<sha256>`,
/// its modification time the blob's time. The store of a node on the file log (a shared PostgreSQL log keeps its
/// blobs beside it, so every node sees them).
///
/// Every call runs its blocking file-system work on a dispatch thread, not on one of the cooperative pool's few.
public struct FileBlobStore: BlobStore {
    /// The directory holding the fan-out subdirectories.
    public let root: String

    /// A store under `root` (created on the first write).
    public init(root: String) {
        self.root = root
    }

    /// A temporary file, fsync, rename into place, fsync of the directory.
    public func write(_ bytes: [UInt8]) async throws -> BlobDigest {
        try await offTheCooperativePool { try writeNow(bytes) }
    }

    public func read(_ digest: BlobDigest) async throws -> [UInt8]? {
        try await offTheCooperativePool { try readNow(digest) }
    }

    public func remove(_ digests: [BlobDigest], writtenNoLaterThan cutoff: Date) async throws -> [StoredBlob] {
        try await offTheCooperativePool { try digests.compactMap { try removeNow($0, cutoff) } }
    }

    /// Temporary files of interrupted writes are not blobs.
    public func stored() async throws -> [StoredBlob] {
        try await offTheCooperativePool { try digests().compactMap { storedBlob($0) } }
    }

    /// Where a blob's bytes live.
    public func path(of digest: BlobDigest) -> String {
        "\(directory(of: digest))/\(digest.hex)"
    }

    /// The blob's size and modification time, read from its file (`path`, where it is not the blob's own);
    /// `nil` when there is none.
    private func storedBlob(_ digest: BlobDigest, at path: String? = nil) -> StoredBlob? {
        var status = stat()
        guard stat(path ?? self.path(of: digest), &status) == 0 else { return nil }
        let modified = Date(
            timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec) + TimeInterval(status.st_mtim.tv_nsec) / 1e9)
        return StoredBlob(digest: digest, byteCount: UInt64(status.st_size), modified: modified)
    }

    private func writeNow(_ bytes: [UInt8]) throws(BlobStoreError) -> BlobDigest {
        let digest = BlobDigest(of: bytes)
        let directory = self.directory(of: digest)
        let path = self.path(of: digest)
        // Bytes already stored, and whole: touch them, so a collection sparing young blobs spares them until the
        // event that now names them again is applied (decision 0035). A damaged copy is written anew.
        if (try? readNow(digest)) != nil, utimensat(AT_FDCWD, path, nil, 0) == 0 { return digest }
        try makeDirectory(root)
        try makeDirectory(directory)
        let temporary = "\(path).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        do throws(BlobStoreError) {
            defer { close(descriptor) }
            try writeAll(bytes, to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else { throw failure("fsync", temporary) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("rename", path)
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory)
        return digest
    }

    /// - Throws: ``BlobStoreError``, or ``DamagedBlob`` for bytes that do not hash to `digest`.
    private func readNow(_ digest: BlobDigest) throws -> [UInt8]? {
        let path = self.path(of: digest)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw failure("open", path)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 { return try DamagedBlob.checked(bytes, as: digest) }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Moves the blob aside first, then reads its time: a write of the same bytes touches the blob before the move
    /// (seen here: the blob is put back) or finds it gone after it and stores it anew, so a blob written after
    /// `cutoff` is never lost.
    private func removeNow(_ digest: BlobDigest, _ cutoff: Date) throws(BlobStoreError) -> StoredBlob? {
        let path = self.path(of: digest)
        let parked = "\(path).\(getpid()).removing.tmp"
        guard rename(path, parked) == 0 else {
            if errno == ENOENT { return nil }
            throw failure("rename", path)
        }
        guard let blob = storedBlob(digest, at: parked) else { throw failure("stat", parked) }
        guard blob.modified <= cutoff else {
            guard rename(parked, path) == 0 else { throw failure("rename", parked) }
            return nil
        }
        guard unlink(parked) == 0 else { throw failure("unlink", parked) }
        try syncDirectory(directory(of: digest))
        return blob
    }

    private func digests() throws(BlobStoreError) -> [BlobDigest] {
        var found: [BlobDigest] = []
        for fanOut in try entries(of: root) where fanOut.utf8.count == 2 {
            for name in try entries(of: "\(root)/\(fanOut)") {
                if let digest = BlobDigest(hex: name), digest.hex.hasPrefix(fanOut) { found.append(digest) }
            }
        }
        return found.sorted()
    }

    private func directory(of digest: BlobDigest) -> String {
        "\(root)/\(digest.hex.prefix(2))"
    }

    /// Creates `path` if it is missing, durably: a blob renamed into a directory whose own entry a power cut lost
    /// would be lost with it, while the event naming the blob survives.
    private func makeDirectory(_ path: String) throws(BlobStoreError) {
        if mkdir(path, 0o755) == 0 {
            try syncDirectory((path as NSString).deletingLastPathComponent)
        } else if errno != EEXIST {
            throw failure("mkdir", path)
        }
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(BlobStoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    private func syncDirectory(_ path: String) throws(BlobStoreError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open directory", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync directory", path) }
    }

    private func entries(of directory: String) throws(BlobStoreError) -> [String] {
        guard let stream = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw failure("opendir", directory)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private func failure(_ operation: String, _ path: String) -> BlobStoreError {
        BlobStoreError(operation: operation, path: path, errno: errno)
    }
}
