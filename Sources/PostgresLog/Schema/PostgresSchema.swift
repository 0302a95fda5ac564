import Logging
import PostgresNIO

/// The tables of the log in PostgreSQL, in schema `sessiond`, created and migrated by sessiond itself.
///
/// `schema_version` holds one row with the version this database is at. Opening takes a transaction-scoped
/// advisory lock (so nodes starting together migrate once), refuses a version newer than ``latest``, and applies
/// the migrations past the stored one in the same transaction. Tables (version 1):
/// - `log_head`: one row, the serialisation point of appends: the last position, the last frame's checksum (the
///   chain) and the last record time.
/// - `frame`: one row per frame: first and last position, record count, dictionary id, checksum, the previous
///   frame's checksum, and the frame's bytes — exactly a segment frame's (docs/log-format.md).
/// - `record`: one row per record, for stream reads and the cross-node checks: position, its frame, stream,
///   stream version (unique per stream) and event id (unique).
/// - `dictionary`: the zstd dictionaries frames name, by id.
///
/// Version 2 adds `log_head.dictionary_id`, the dictionary new frames use (0: none). Appenders read it under the
/// head lock, so a dictionary a compaction retired is never used again by any node (decision 0060).
///
/// Version 3 adds the functions `sessiond.log_facts` and `sessiond.append` (``version3``): an append holds the head
/// for one statement (decision 0098).
///
/// Version 4 adds `blob`: session files' bytes by digest, shared by every node (``PostgresBlobStore``, decision 0167).
///
/// Version 5 adds `shared_document`: small documents every node shares by name — the API key file (decision 0168).
///
/// Version 6 adds a statement trigger on `frame` refusing an UPDATE (only compaction rewrites frames) from a
/// transaction that has not set `sessiond.compactor_schema` to 6 or more (``version6``): a build older than this
/// one, still running on a log this one migrated, erases every record of a deleted session's stream, while a
/// session may now be created again under a deleted one's id (decision 0177), whose records must stay.
enum PostgresSchema {
    /// The schema version this build writes and understands.
    static let latest = 6

    /// The setting a compacting transaction sets (``compactorSchema``) so that version 6's trigger lets it rewrite
    /// frames.
    static let compactorSchemaSetting = "sessiond.compactor_schema"

    /// The value of ``compactorSchemaSetting`` this build's compaction sets: the schema version whose erasure rules
    /// it follows.
    static let compactorSchema = 6

    /// Lock key for migrations (any constant; only sessiond's migrations take it).
    static let migrationLockKey: Int64 = 0x5E55_1017_D0C5

    /// Version 1's statements, in order.
    static let version1: [PostgresQuery] = [
        """
        CREATE TABLE sessiond.log_head (
            id integer PRIMARY KEY CHECK (id = 1),
            end_position bigint NOT NULL,
            last_checksum bigint NOT NULL,
            last_recorded_at bigint NOT NULL
        )
        """,
        "INSERT INTO sessiond.log_head VALUES (1, 0, 0, 0)",
        """
        CREATE TABLE sessiond.dictionary (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            bytes bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE sessiond.frame (
            first_position bigint PRIMARY KEY,
            last_position bigint NOT NULL UNIQUE,
            record_count integer NOT NULL,
            dictionary_id integer NOT NULL,
            checksum bigint NOT NULL,
            previous_checksum bigint NOT NULL,
            bytes bytea NOT NULL
        )
        """,
        // The bytes are zstd frames already: storing them out of line without pglz saves a compression attempt.
        "ALTER TABLE sessiond.frame ALTER COLUMN bytes SET STORAGE EXTERNAL",
        """
        CREATE TABLE sessiond.record (
            position bigint PRIMARY KEY,
            frame_position bigint NOT NULL,
            stream text NOT NULL,
            stream_version bigint NOT NULL,
            event_id uuid NOT NULL,
            CONSTRAINT record_stream_version_key UNIQUE (stream, stream_version),
            CONSTRAINT record_event_id_key UNIQUE (event_id)
        )
        """,
    ]

    /// Version 2's statements: the head names the active dictionary (the newest one, for a log that has some).
    static let version2: [PostgresQuery] = [
        "ALTER TABLE sessiond.log_head ADD COLUMN dictionary_id integer NOT NULL DEFAULT 0",
        "UPDATE sessiond.log_head SET dictionary_id = (SELECT coalesce(max(id), 0) FROM sessiond.dictionary)",
    ]

    /// Version 4's statements: the blob table.
    static let version4: [PostgresQuery] = [
        """
        CREATE TABLE sessiond.blob (
            digest text PRIMARY KEY,
            bytes bytea NOT NULL,
            modified_at timestamptz NOT NULL DEFAULT now()
        )
        """
    ]

    /// Version 5's statements: the shared documents.
    static let version5: [PostgresQuery] = [
        """
        CREATE TABLE sessiond.shared_document (
            name text PRIMARY KEY,
            bytes bytea NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    ]

    /// Version 6's statements: frames are rewritten only by a compaction that keeps the records a session created
    /// again after its tombstone wrote (decision 0177). Builds before it set nothing, so their compaction fails at
    /// its first frame rewrite and rolls back whole, erasing nothing; they say so in their log and try again at the
    /// next interval, until they are upgraded (and a build that old refuses to open this schema at start).
    static let version6: [PostgresQuery] = [
        """
        CREATE OR REPLACE FUNCTION sessiond.refuse_older_compactor() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF coalesce(nullif(current_setting('sessiond.compactor_schema', true), ''), '0')::integer < 6 THEN
                RAISE EXCEPTION 'sessiond: a compaction older than schema version 6 may not rewrite this log''s frames'
                    USING HINT = 'Upgrade every sessiond node sharing this log (decision 0177).';
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE OR REPLACE TRIGGER frame_rewritten_by_a_current_compactor BEFORE UPDATE ON sessiond.frame
        FOR EACH STATEMENT EXECUTE FUNCTION sessiond.refuse_older_compactor()
        """,
    ]

    /// Every migration, by the version it leads to.
    static let migrations: [Int: [PostgresQuery]] = [
        1: version1, 2: version2, 3: version3, 4: version4, 5: version5, 6: version6,
    ]

    /// Creates or migrates the schema; returns the version the database is at.
    /// - Throws: ``PostgresLogError/schemaTooNew(found:supported:)``,
    ///   ``PostgresLogError/migrationFailed(version:reason:)``.
    static func migrate(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query("BEGIN", logger: logger)
        do {
            let version = try await migrateInTransaction(connection, logger: logger)
            try await connection.query("COMMIT", logger: logger)
            return version
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The schema version of a database opened read-only: read, never created or migrated.
    /// - Throws: ``PostgresLogError/schemaTooNew(found:supported:)``, or
    ///   ``PostgresLogError/schemaNotMigrated(found:supported:)`` when there is no schema or an older one.
    static func versionWithoutMigrating(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var exists = false
        // Asked apart: a query naming a missing table fails instead of answering.
        for try await found in try await connection.query(
            "SELECT to_regclass('sessiond.schema_version') IS NOT NULL", logger: logger
        ).decode(Bool.self) {
            exists = found
        }
        var version = 0
        if exists {
            for try await found in try await connection.query(
                "SELECT version FROM sessiond.schema_version WHERE id = 1", logger: logger
            ).decode(Int.self) {
                version = found
            }
        }
        if version > latest { throw PostgresLogError.schemaTooNew(found: version, supported: latest) }
        if version < latest { throw PostgresLogError.schemaNotMigrated(found: version, supported: latest) }
        return version
    }

    private static func migrateInTransaction(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        // Its own statement: later statements take their snapshot after the lock is held.
        try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
        try await connection.query("CREATE SCHEMA IF NOT EXISTS sessiond", logger: logger)
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS sessiond.schema_version (
                id integer PRIMARY KEY CHECK (id = 1),
                version integer NOT NULL
            )
            """, logger: logger)
        try await connection.query(
            "INSERT INTO sessiond.schema_version VALUES (1, 0) ON CONFLICT (id) DO NOTHING", logger: logger)
        var version = 0
        for try await found in try await connection.query(
            "SELECT version FROM sessiond.schema_version WHERE id = 1", logger: logger
        ).decode(Int.self) {
            version = found
        }
        if version > latest { throw PostgresLogError.schemaTooNew(found: version, supported: latest) }
        while version < latest {
            let next = version + 1
            do {
                for statement in migrations[next] ?? [] { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "UPDATE sessiond.schema_version SET version = \(next) WHERE id = 1", logger: logger)
            } catch {
                throw PostgresLogError.migrationFailed(version: next, reason: PostgresFailure.describe(error))
            }
            logger.notice("migrated the PostgreSQL log schema", metadata: ["log.schema_version": "\(next)"])
            version = next
        }
        return version
    }
}
