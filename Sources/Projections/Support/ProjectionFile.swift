import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the projection database lives: `path` is a symbolic link to the current generation's file
/// (`<path>.<generation>`), so a rebuild can swap a whole database in with one atomic rename of the link
/// while readers of the old file finish undisturbed, and each generation keeps its own `-wal` and `-shm`
/// (renaming a database file over another would hand the new file the old one's WAL). See
/// docs/decisions/0005-projection-database-behind-a-link.md.
enum ProjectionFile {
    /// The database file the link points to, as an absolute path; `nil` when the link (or its target) is
    /// missing.
    static func currentTarget(of path: String) -> String? {
        let manager = FileManager.default
        if let destination = try? manager.destinationOfSymbolicLink(atPath: path) {
            let resolved = destination.hasPrefix("/") ? destination : directory(of: path) + "/" + destination
            return manager.fileExists(atPath: resolved) ? resolved : nil
        }
        // A plain file at the link's place (e.g. copied by an operator) is used as it is.
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { return path }
        return nil
    }

    /// A new, unused file name for the next generation, beside the link.
    static func makeGenerationPath(for path: String) -> String {
        let stamp = UInt64(Date().timeIntervalSince1970 * 1000)
        var candidate = "\(path).\(stamp)"
        var suffix = 0
        while FileManager.default.fileExists(atPath: candidate) {
            suffix += 1
            candidate = "\(path).\(stamp)-\(suffix)"
        }
        return candidate
    }

    /// Points `path` at `target` atomically: a new link under a temporary name, renamed over `path`, then the
    /// directory fsync'd so the rename survives a crash.
    static func install(_ target: String, at path: String) throws(ProjectionError) {
        let temporary = path + ".link-\(getpid())"
        unlink(temporary)
        let relative = (target as NSString).lastPathComponent
        guard symlink(relative, temporary) == 0 else {
            throw .io(operation: "symlink", path: temporary, errno: errno)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .io(operation: "rename", path: path, errno: code)
        }
        try syncDirectory(directory(of: path))
    }

    /// Removes a database file with its `-wal`, `-shm` and `-journal` companions.
    static func remove(_ file: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(file + suffix) }
    }

    /// Removes the generation `previous` that `path` named before ``install(_:at:)`` put a new one there. A plain
    /// file at the link's own place (``currentTarget(of:)``) was replaced by the install's rename: only its
    /// companions are left, and removing `path` itself would remove the new link.
    static func removePrevious(_ previous: String, replacedAt path: String) {
        if previous == path {
            for suffix in ["-wal", "-shm", "-journal"] { unlink(previous + suffix) }
        } else {
            remove(previous)
        }
    }

    /// fsyncs a file's data and metadata.
    static func syncFile(_ file: String) throws(ProjectionError) {
        let descriptor = open(file, O_RDONLY)
        guard descriptor >= 0 else { throw .io(operation: "open", path: file, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: file, errno: errno) }
    }

    /// fsyncs a directory, making renames and creations inside it durable.
    static func syncDirectory(_ directory: String) throws(ProjectionError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw .io(operation: "open", path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: directory, errno: errno) }
    }

    /// The directory holding `path`.
    static func directory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}
