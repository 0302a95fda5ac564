import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generation files a killed rebuild left behind.
///
/// A rebuild writes a fresh generation file beside the link and removes it if it fails, but a process killed
/// mid-rebuild leaves it on disk, with the text of every session it had replayed — text a later permanent
/// deletion would not scrub, since it only scrubs the live file. Builds hold a shared lock on a sidecar file
/// (`<link>.builds`) from the first write to the install; a sweep takes it exclusively, without waiting, so it
/// never removes a generation that a build of this or another process is still writing or about to install.
extension ProjectionFile {
    /// Runs `body` (a build and its install) holding the shared build lock of the link at `path`.
    static func whileBuilding<T>(_ path: String, _ body: () async throws -> T) async throws -> T {
        let lock = open(path + ".builds", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw ProjectionError.io(operation: "open", path: path + ".builds", errno: errno) }
        defer { close(lock) }
        while flock(lock, LOCK_SH) != 0 {
            guard errno == EINTR else { throw ProjectionError.io(operation: "flock", path: path + ".builds", errno: errno) }
        }
        return try await body()
    }

    /// Removes the generation files of the link at `path` it does not point to, unless a build is running; returns
    /// the files removed.
    @discardableResult
    static func removeAbandonedGenerations(of path: String) -> [String] {
        let lock = open(path + ".builds", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { return [] }
        defer { close(lock) }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else { return [] }
        let directory = directory(of: path)
        let base = (path as NSString).lastPathComponent
        let current = currentTarget(of: path).map { ($0 as NSString).lastPathComponent }
        var removed: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            guard let generation = generationName(name, of: base), generation != current else { continue }
            if unlink(directory + "/" + name) == 0 { removed.append(name) }
        }
        return removed
    }

    /// The generation file `name` belongs to (`<base>.<stamp>` or `<base>.<stamp>-<n>`, itself or its
    /// `-wal`, `-shm` or `-journal`), `nil` for any other file.
    static func generationName(_ name: String, of base: String) -> String? {
        guard name.hasPrefix(base + ".") else { return nil }
        var generation = name
        for suffix in ["-wal", "-shm", "-journal"] where generation.hasSuffix(suffix) {
            generation.removeLast(suffix.count)
        }
        let stamp = generation.dropFirst(base.count + 1).split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(stamp.count), stamp.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) })
        else { return nil }
        return generation
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
