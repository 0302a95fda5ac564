#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock` on `<directory>/LOCK`: one process per data directory.
///
/// The kernel drops the lock when the process dies, so a crash never leaves a stale lock. The file log takes its
/// directory's; a node whose log is elsewhere (PostgreSQL, another directory) takes its data directory's the same
/// way, for its projection database (`LogStores`).
public struct DirectoryLock: Sendable {
    private let file: SystemFile

    /// Takes the lock of `directory`, which must exist. The same exclusive lock either way, so a read-only holder
    /// keeps a daemon out as a daemon keeps it out.
    /// - Parameter readOnly: For a log opened read-only: an existing `LOCK` is opened for writing but never
    ///   written (an exclusive `flock` on NFS needs a descriptor open for writing), or read-only where writing is
    ///   refused (a read-only mount, a copy without write permission); one is created (empty) only where it is
    ///   missing, so that a daemon started meanwhile is still refused.
    /// - Throws: ``EventLogError/directoryLocked(path:)`` when another process holds it.
    public static func acquire(directory: String, readOnly: Bool = false) throws(EventLogError) -> DirectoryLock {
        let path = directory + "/LOCK"
        var fd = open(path, (readOnly ? O_RDWR : O_RDWR | O_CREAT) | O_CLOEXEC, 0o644)
        if fd < 0, readOnly, errno == EROFS || errno == EACCES {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        }
        if fd < 0, readOnly, errno == ENOENT {
            fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .directoryLocked(path: directory) }
            throw .io(operation: "flock", path: path, errno: code)
        }
        return DirectoryLock(file: SystemFile(descriptor: fd, path: path))
    }

    /// Gives the lock up; otherwise it is held until the process ends.
    public func release() {
        flock(file.descriptor, LOCK_UN)
        file.close()
    }
}
