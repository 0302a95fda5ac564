import Foundation

/// The repository's own files, for tests that read them (documentation, committed corpora, sources): read-only.
public enum Repository {
    /// The repository's root directory, found from this file's place in it (`Tests/TestSupport/`).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The file or directory at `path`, relative to the root.
    public static func url(_ path: String) -> URL { root.appendingPathComponent(path) }
}
