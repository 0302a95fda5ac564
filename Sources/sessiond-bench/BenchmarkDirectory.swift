import Foundation

/// Where a benchmark writes: the `--dir` it was given, emptied first (unless `keepingFiles`) and kept
/// afterwards, or a new temporary directory that ``removeIfTemporary()`` deletes.
struct BenchmarkDirectory {
    let path: String
    private let isTemporary: Bool

    init(_ dir: String?, keepingFiles: Bool = false) throws {
        isTemporary = dir == nil
        path = dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("sessiond-bench-\(UUID())").path
        if !keepingFiles || isTemporary { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func removeIfTemporary() {
        if isTemporary { try? FileManager.default.removeItem(atPath: path) }
    }
}
