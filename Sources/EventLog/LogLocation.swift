import Foundation

/// Where a log lives: a directory of segment files (the embedded default, one node), or a PostgreSQL database that
/// several nodes share, named by a URL: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]`.
///
/// The module LogStores opens either kind behind ``LogStore``; nothing above it needs to know which one it got.
public enum LogLocation: Sendable, Equatable, CustomStringConvertible {
    /// Segment files in this directory.
    case directory(String)
    /// A PostgreSQL database, by its `postgres://` (or `postgresql://`) URL.
    case postgres(url: String)

    /// Reads a `--log` argument: a `postgres://` or `postgresql://` URL names a database, anything else a
    /// directory.
    public init(_ text: String) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            self = .directory(text)
        }
    }

    /// The directory, or the URL with any password replaced by `***`: safe for logs and messages.
    public var description: String {
        switch self {
        case .directory(let path):
            return path
        case .postgres(let url):
            guard var components = URLComponents(string: url), components.password != nil else { return url }
            components.password = "***"
            return components.string ?? url
        }
    }
}
