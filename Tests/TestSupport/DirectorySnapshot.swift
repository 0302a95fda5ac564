import Foundation

/// Every entry under a directory, by its path relative to it: a file's bytes, a symbolic link's target, nothing for
/// a subdirectory. Two snapshots are equal when nothing under the directory was created, removed or changed.
public struct DirectorySnapshot: Equatable, Sendable {
    public let entries: [String: Data]

    /// Reads every entry under `directory` now.
    public init(_ directory: String) throws {
        let manager = FileManager.default
        var entries: [String: Data] = [:]
        for path in try manager.subpathsOfDirectory(atPath: directory) {
            let full = directory + "/" + path
            let type = try manager.attributesOfItem(atPath: full)[.type] as? FileAttributeType
            if type == FileAttributeType.typeSymbolicLink {
                entries[path] = Data(try manager.destinationOfSymbolicLink(atPath: full).utf8)
            } else if type == FileAttributeType.typeRegular {
                entries[path] = try Data(contentsOf: URL(fileURLWithPath: full))
            } else {
                entries[path] = Data()
            }
        }
        self.entries = entries
    }

    /// The paths created, removed or changed since `earlier`, sorted: empty when nothing was.
    public func changes(since earlier: DirectorySnapshot) -> [String] {
        Set(entries.keys).union(earlier.entries.keys).filter { entries[$0] != earlier.entries[$0] }.sorted()
    }
}
