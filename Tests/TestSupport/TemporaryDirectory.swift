import Foundation

/// Runs `body` with a fresh directory that is removed afterwards, whatever happens.
///
/// Tests run in parallel; each one owns its directory, so no test sees another's files.
public func withTemporaryDirectory<T>(
    _ body: (String) async throws -> T, isolation: isolated (any Actor)? = #isolation
) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("sessiond-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Copies a directory's files into a new sibling directory and returns its path.
public func copyDirectory(_ source: String, to destination: String) throws {
    try? FileManager.default.removeItem(atPath: destination)
    try FileManager.default.copyItem(atPath: source, toPath: destination)
}
