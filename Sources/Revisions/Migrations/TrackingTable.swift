/// The record of applied patches, kept **inside the migrated database** (schema `odb`, table
/// `odb.patches`), so that a revert, a dump or a restore carries the record that matches the
/// schema. lazr's columns (major, minor, patch, start_time, end_time) plus the type, the file's
/// SHA-256, who applied it and the guard revision odb committed before applying it.
struct TrackingTable {
    let connection: Connection

    /// A patch the table says was applied, or begun: `end` is nil for a concurrent patch whose
    /// statements did not all run.
    struct Row: Sendable, Equatable {
        var number: PatchNumber
        var type: String
        var file: String
        var sha256: String
        var appliedBy: String
        var role: String
        var guardRevision: Int?
        var start: String
        var end: String?
    }

    /// Creates the schema and the table if missing (in the caller's transaction, if any).
    func ensure() throws {
        try connection.query("CREATE SCHEMA IF NOT EXISTS odb")
        try connection.query(
            """
            CREATE TABLE IF NOT EXISTS odb.patches (
                major integer NOT NULL,
                minor integer NOT NULL,
                patch integer NOT NULL,
                type text NOT NULL,             -- std | direct | concurrent
                file text NOT NULL,
                sha256 text NOT NULL,           -- of the file as applied
                applied_by text NOT NULL,       -- the user who ran odb
                role text NOT NULL DEFAULT current_user,
                guard_revision integer,         -- the revision committed before it (none: --no-guard)
                start_time timestamptz NOT NULL DEFAULT clock_timestamp(),
                end_time timestamptz,           -- null: a concurrent patch not run to its end
                PRIMARY KEY (major, minor, patch)
            )
            """)
    }

    func exists() throws -> Bool {
        try connection.query("SELECT to_regclass('odb.patches') IS NOT NULL AS present").first?.bool("present") == true
    }

    /// Every row, in patch order; none when the table does not exist yet.
    func rows() throws -> [Row] {
        guard try exists() else { return [] }
        return try connection.query(
            """
            SELECT major, minor, patch, type, file, sha256, applied_by, role, guard_revision,
                   to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS start_time,
                   to_char(end_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS end_time
            FROM odb.patches ORDER BY major, minor, patch
            """
        ).map { row in
            Row(
                number: PatchNumber(try row.int("major"), try row.int("minor"), try row.int("patch")),
                type: try row.string("type"), file: try row.string("file"), sha256: try row.string("sha256"),
                appliedBy: try row.string("applied_by"), role: try row.string("role"),
                guardRevision: try row.optionalInt("guard_revision"), start: try row.string("start_time"),
                end: try row.optionalString("end_time"))
        }
    }

    /// The row for a patch that starts now.
    func start(_ patch: Patch, sha256: String, appliedBy: String, guardRevision: Int?) throws {
        try connection.query(
            """
            INSERT INTO odb.patches (major, minor, patch, type, file, sha256, applied_by, guard_revision)
            VALUES (\(patch.number.major), \(patch.number.minor), \(patch.number.point), \(patch.type.rawValue),
                    \(patch.file), \(sha256), \(appliedBy), \(guardRevision))
            """)
    }

    /// The end time of a patch whose statements have all run.
    func end(_ patch: Patch) throws {
        try connection.query(
            """
            UPDATE odb.patches SET end_time = clock_timestamp()
            WHERE major = \(patch.number.major) AND minor = \(patch.number.minor) AND patch = \(patch.number.point)
            """)
    }

    /// The indexes PostgreSQL marks invalid: what a `CREATE INDEX CONCURRENTLY` stopped half-way
    /// leaves behind.
    func invalidIndexes() throws -> [String] {
        try connection.query(
            """
            SELECT format('%I.%I', n.nspname, c.relname) AS name
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT i.indisvalid ORDER BY 1
            """
        ).map { try $0.string("name") }
    }
}
