/// What can keep the PostgreSQL store from opening. Once it is open, its failures are ``EventLog/EventLogError``s
/// like the file store's (``EventLog/EventLogError/unavailable(reason:)`` while the server cannot be reached).
public enum PostgresLogError: Error, Sendable, CustomStringConvertible {
    /// The `postgres://` URL does not parse, or names something this store cannot use.
    case invalidURL(String, reason: String)
    /// The server could not be reached, or refused the connection, while opening.
    case unreachable(location: String, reason: String)
    /// The database holds a schema written by a newer sessiond; this one must not touch it.
    case schemaTooNew(found: Int, supported: Int)
    /// Creating or migrating the schema failed.
    case migrationFailed(version: Int, reason: String)
    /// Opened read-only, the database holds no sessiond schema (`found` 0) or one older than this build's, which
    /// only a read-write open creates or migrates.
    case schemaNotMigrated(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "invalid PostgreSQL URL \(url): \(reason) (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)"
        case .unreachable(let location, let reason):
            "cannot reach PostgreSQL at \(location): \(reason)"
        case .schemaTooNew(let found, let supported):
            "the database's sessiond schema is version \(found), newer than this sessiond understands (\(supported)); "
                + "run a sessiond at least as new as the one that migrated it"
        case .migrationFailed(let version, let reason):
            "migrating the sessiond schema to version \(version) failed: \(reason)"
        case .schemaNotMigrated(let found, let supported) where found == 0:
            "the database holds no sessiond log (no sessiond schema), and a command that only reads does not create "
                + "one: check the URL (`sessiond serve --log` creates the schema, version \(supported))"
        case .schemaNotMigrated(let found, let supported):
            "the database's sessiond schema is version \(found), older than this sessiond's (\(supported)), and a "
                + "command that only reads does not migrate it: run the sessiond the nodes run, or start a node of "
                + "this build first (it migrates the schema)"
        }
    }
}
