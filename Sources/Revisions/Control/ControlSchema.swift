/// odb's schema in the control database, upgraded one version at a time.
struct ControlSchema {
    /// The schema version this odb writes; a newer one in the database is refused.
    static let version = 6

    /// The comment odb puts on the control databases it makes (schema 5 on), by which one finds
    /// the others (`otherControlDatabases(also:)`); written in the migration below as it is here.
    static let mark = "odb control database"

    let connection: Connection

    /// Creates or upgrades the schema under a lock, so that two odb processes starting together
    /// do not both try. A database without odb's schema becomes a control database only if it
    /// holds nothing else and odb knows nothing of it: never a tracked database (even one still
    /// empty), a user's database or `postgres`, whose history a later revert would wipe.
    /// `also` are the control databases to ask besides the marked ones.
    func migrate(also: [String] = []) throws {
        let found = try currentVersion()
        if found == Self.version { return }
        if found > Self.version { throw OdbError.controlSchemaTooNew(found: found, supported: Self.version) }
        if found == 0 {
            try checkEmpty()
            try checkUnknown(also: also)
        }
        try connection.transaction {
            try connection.query("SELECT pg_advisory_xact_lock(\(LockClass.database.rawValue), 0)")
            let version = try currentVersion()
            for step in Self.migrations.dropFirst(version) {
                for statement in step { try connection.query(SQL(stringLiteral: statement)) }
            }
            if version == 0 {
                try connection.query("INSERT INTO odb.schema_version (version) VALUES (\(Self.version))")
            } else {
                try connection.query("UPDATE odb.schema_version SET version = \(Self.version)")
            }
        }
    }

    /// Refuses a database that holds tables, views, sequences or functions of anyone's, or that
    /// is one of PostgreSQL's own.
    private func checkEmpty() throws {
        let name = connection.database
        if ["postgres", "template0", "template1"].contains(name) {
            throw OdbError.notAControlDatabase(name, reason: .postgresOwn)
        }
        let objects = try connection.query(
            """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')
                 + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%') AS objects
            """
        ).first?.int("objects")
        if objects != 0 { throw OdbError.notAControlDatabase(name, reason: .holdsObjects) }
    }

    /// Refuses an empty database that odb knows as something else: one another control database
    /// tracks (`init X --create` leaves X empty), or one with databases named as odb names those
    /// it makes for a tracked database.
    private func checkUnknown(also: [String]) throws {
        let name = connection.database
        if let other = try connection.controlDatabase(tracking: name, also: also) {
            throw OdbError.notAControlDatabase(name, reason: .tracked(by: other))
        }
        if let made = try connection.databasesNamedAfter(name).first {
            throw OdbError.notAControlDatabase(name, reason: .revisionDatabases(made))
        }
    }

    private func currentVersion() throws -> Int {
        // Read from pg_class itself, not through the catalog cache (to_regclass), which may not yet
        // show a schema another odb committed while this one waited for the migration's lock.
        let exists = try connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'odb' AND c.relname = 'schema_version') AS present
            """)
        guard try exists.first?.bool("present") == true else { return 0 }
        return try connection.query("SELECT max(version) AS version FROM odb.schema_version").first?.optionalInt("version")
            ?? 0
    }

    /// Each step upgrades the schema by one version; steps are never edited once released.
    /// (`operations.made_oid` is no longer written: the swap is one transaction since schema 2.)
    static let migrations: [[String]] = [
        [
            "CREATE SCHEMA IF NOT EXISTS odb",
            "CREATE TABLE odb.schema_version (version integer NOT NULL)",
            """
            CREATE TABLE odb.databases (
                name text PRIMARY KEY,
                revision integer NOT NULL,      -- the number the next commit will get
                parent integer NOT NULL,        -- the revision the working database came from
                protected boolean NOT NULL DEFAULT false,
                tracked_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE odb.revisions (
                database text NOT NULL REFERENCES odb.databases (name) ON DELETE CASCADE,
                number integer NOT NULL,
                parent integer NOT NULL,
                dbname text UNIQUE,             -- the revision database's real name; NULL once purged
                message text NOT NULL DEFAULT '',
                author text NOT NULL DEFAULT '',
                created_at timestamptz NOT NULL DEFAULT now(),
                size bigint,
                properties jsonb NOT NULL,      -- what a template copy loses: owner, grants, settings…
                PRIMARY KEY (database, number)
            )
            """,
            """
            CREATE TABLE odb.tags (
                database text NOT NULL,
                name text NOT NULL,
                number integer NOT NULL,
                PRIMARY KEY (database, name),
                FOREIGN KEY (database, number) REFERENCES odb.revisions ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE odb.operations (       -- the journal: at most one unfinished operation a database
                database text PRIMARY KEY REFERENCES odb.databases (name) ON DELETE CASCADE,
                kind text NOT NULL,             -- commit | revert
                number integer NOT NULL,        -- commit: the revision made; revert: its target
                made text NOT NULL,             -- the database the operation creates
                replaced text,                  -- revert: the old working database's name until dropped
                made_oid oid,                   -- revert: the replacement's oid, to tell if the swap happened
                allow_connections boolean NOT NULL, -- the working database's setting before the fence
                started_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ],
        [
            "ALTER TABLE odb.databases ADD COLUMN spares integer NOT NULL DEFAULT 1 CHECK (spares >= 0)",
            """
            CREATE TABLE odb.spares (           -- ready copies of revisions, so that a revert is a rename
                database text NOT NULL REFERENCES odb.databases (name) ON DELETE CASCADE,
                number integer NOT NULL,
                dbname text NOT NULL UNIQUE,
                ready boolean NOT NULL DEFAULT false, -- false while being built (or left by a killed build)
                size bigint,
                built_at timestamptz,
                PRIMARY KEY (database, number)
            )
            """,
            """
            CREATE TABLE odb.discarded (        -- replaced working databases, dropped off the user's path
                dbname text PRIMARY KEY,
                database text NOT NULL,
                discarded_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ],
        [
            // Why the background worker last failed to build a spare, for the next command to say.
            "ALTER TABLE odb.databases ADD COLUMN spare_failure jsonb",
            """
            CREATE TABLE odb.copy_methods (     -- what trying file_copy_method = clone taught odb, per server
                server text PRIMARY KEY,        -- the server's system identifier and major version
                clone boolean NOT NULL,         -- whether a clone worked there
                reason text NOT NULL,
                checked_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ],
        [
            // What `odb status` compares with: the working database's statistics counters and the
            // digest of its schema, taken at its last commit or revert.
            "ALTER TABLE odb.databases ADD COLUMN baseline jsonb",
            // The same, of each revision as it was committed: a revert to it starts from it.
            "ALTER TABLE odb.revisions ADD COLUMN baseline jsonb",
            """
            CREATE TABLE odb.unfrozen (         -- revision databases opened for a reader, to re-freeze if odb is killed
                dbname text PRIMARY KEY,
                since timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE odb.checkouts (        -- writable copies of revisions beside the working database
                name text PRIMARY KEY,
                database text NOT NULL REFERENCES odb.databases (name) ON DELETE CASCADE,
                number integer NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ],
        [
            // The mark (`mark`) by which control databases find each other. Only the database's
            // owner may comment on it: another role's control database stays unmarked.
            """
            DO $$
            BEGIN
                EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), 'odb control database');
            EXCEPTION WHEN insufficient_privilege THEN
                NULL;
            END
            $$
            """
        ],
        [
            """
            CREATE TABLE odb.pending (          -- restored revisions whose database the background worker loads from their dump
                database text NOT NULL,
                number integer NOT NULL,
                store text NOT NULL,            -- where the dump lives (a folder by its absolute path)
                manifest jsonb NOT NULL,        -- the dump's manifest: its key, size and SHA-256
                keep_owners boolean NOT NULL,
                ignore_errors boolean NOT NULL,
                failure text,                   -- why the last load failed, for the commands that want it to say
                PRIMARY KEY (database, number),
                FOREIGN KEY (database, number) REFERENCES odb.revisions ON DELETE CASCADE
            )
            """
        ],
    ]
}
