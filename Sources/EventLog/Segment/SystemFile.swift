#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor with the few system calls the log needs, each turning errno into
/// ``EventLogError/io(operation:path:errno:)``.
struct SystemFile: Sendable {
    let descriptor: Int32
    let path: String

    enum Mode { case readOnly, readWrite, createNew }

    static func open(_ path: String, _ mode: Mode) throws(EventLogError) -> SystemFile {
        let flags: Int32 =
            switch mode {
            case .readOnly: O_RDONLY | O_CLOEXEC
            case .readWrite: O_RDWR | O_CLOEXEC
            case .createNew: O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC
            }
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        return SystemFile(descriptor: fd, path: path)
    }

    func size() throws(EventLogError) -> UInt64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return UInt64(info.st_size)
    }

    /// Reads exactly `count` bytes at `offset`, or fewer only at the end of the file.
    func read(count: Int, at offset: UInt64) throws(EventLogError) -> [UInt8] {
        var failure: Int32 = 0
        // Uninitialized: only the bytes `pread` filled are kept.
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            var done = 0
            while done < count {
                let n = pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if failure != 0 { throw .io(operation: "pread", path: path, errno: failure) }
        return buffer
    }

    /// Reads the whole file.
    func readAll() throws(EventLogError) -> [UInt8] {
        try read(count: Int(try size()), at: 0)
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: UInt64) throws(EventLogError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pwrite", path: path, errno: errno)
            }
            done += n
        }
    }

    func syncData() throws(EventLogError) {
        guard fdatasync(descriptor) == 0 else { throw .io(operation: "fdatasync", path: path, errno: errno) }
    }

    func sync() throws(EventLogError) {
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    func truncate(to length: UInt64) throws(EventLogError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw .io(operation: "ftruncate", path: path, errno: errno)
        }
    }

    func close() { _ = Glibc.close(descriptor) }

    /// Makes a directory's entries (new, renamed or removed files) durable.
    static func syncDirectory(_ path: String) throws(EventLogError) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open directory", path: path, errno: errno) }
        defer { _ = Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync directory", path: path, errno: errno) }
    }

    /// Writes a new file whole and makes it durable: temp file, fsync, rename, fsync directory.
    static func writeDurably(_ bytes: [UInt8], to path: String, directory: String) throws(EventLogError) {
        let temporary = path + SegmentName.temporarySuffix
        unlink(temporary)
        let file = try SystemFile.open(temporary, .createNew)
        defer { file.close() }
        try file.write(bytes, at: 0)
        try file.sync()
        guard rename(temporary, path) == 0 else { throw .io(operation: "rename", path: path, errno: errno) }
        try syncDirectory(directory)
    }
}
