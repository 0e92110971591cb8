/// The control database (`odb` by default): odb's metadata in its own schema, on the same server
/// as the databases it tracks. The tracked databases themselves are never written to.
public final class ControlDatabase {
    public static let defaultName = "odb"
    /// The schema version this odb writes; a newer one in the database is refused.
    public static let schemaVersion = 3
    /// Advisory lock class for odb's locks ("odb" in ASCII).
    static let lockClass: Int32 = 0x6f_6462
    /// Advisory lock class held by the one worker tidying a database's spares ("odc").
    static let maintenanceLockClass: Int32 = 0x6f_6463
    /// Advisory lock class held while one discarded database is dropped ("odd").
    static let discardLockClass: Int32 = 0x6f_6464

    public let name: String
    public let connection: Connection
    public let server: Server
    var storageCache: ServerStorage?
    var cloneCache: CloneSupport?

    init(name: String, connection: Connection, server: Server) {
        self.name = name
        self.connection = connection
        self.server = server
    }

    /// Connects to the control database, creating it and its schema when missing if `create`
    /// (only `odb init` does: any other command on a server without one says so).
    public static func open(server: Server, name: String = defaultName, conninfo: String, create: Bool = true) throws
        -> ControlDatabase
    {
        let connection: Connection
        do {
            connection = try Connection(conninfo: conninfo, database: name)
        } catch let error as PostgresError where error.message.contains("database \"\(name)\" does not exist") {
            guard create else { throw OdbError.noControlDatabase(name: name, server: server.display) }
            try Self.create(name, conninfo: conninfo, server: server)
            connection = try connect(conninfo, database: name, server: server)
        } catch let error as PostgresError {
            throw OdbError.cannotConnect(server: server.display, reason: error.message)
        }
        try SupportedVersions.check(connection.serverVersion, server: server.display)
        let control = ControlDatabase(name: name, connection: connection, server: server)
        try control.migrate()
        return control
    }

    static func connect(_ conninfo: String, database: String, server: Server) throws -> Connection {
        do {
            return try Connection(conninfo: conninfo, database: database)
        } catch let error as PostgresError {
            throw OdbError.cannotConnect(server: server.display, reason: error.message)
        }
    }

    private static func create(_ name: String, conninfo: String, server: Server) throws {
        let maintenance = try connect(conninfo, database: "postgres", server: server)
        do {
            try maintenance.query("CREATE DATABASE \(identifier: name)")
        } catch SQLState.duplicateDatabase {
            // Another odb made it first.
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw OdbError.notPermitted(action: "create the control database '\(name)'", reason: error.message)
        }
    }

    /// Whether a database of that name exists on the server.
    func databaseExists(_ name: String) throws -> Bool {
        try !connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)").isEmpty
    }

    // MARK: Schema

    /// Creates or upgrades odb's schema, one version at a time, under a lock so that two odb
    /// processes starting together do not both try.
    func migrate() throws {
        let found = try currentSchemaVersion()
        if found == Self.schemaVersion { return }
        if found > Self.schemaVersion {
            throw OdbError.controlSchemaTooNew(found: found, supported: Self.schemaVersion)
        }
        try connection.transaction {
            try connection.query("SELECT pg_advisory_xact_lock(\(Self.lockClass), 0)")
            let version = try currentSchemaVersion()
            for step in Self.migrations.dropFirst(version) {
                for statement in step { try connection.query(SQL(stringLiteral: statement)) }
            }
            if version == 0 {
                try connection.query("INSERT INTO odb.schema_version (version) VALUES (\(Self.schemaVersion))")
            } else {
                try connection.query("UPDATE odb.schema_version SET version = \(Self.schemaVersion)")
            }
        }
    }

    private func currentSchemaVersion() throws -> Int {
        let exists = try connection.query("SELECT to_regclass('odb.schema_version') IS NOT NULL AS present")
        guard exists.first?.bool("present") == true else { return 0 }
        return try connection.query("SELECT max(version) AS version FROM odb.schema_version").first?.int("version") ?? 0
    }

    /// Each step upgrades the schema by one version; steps are never edited once released.
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
            """
            CREATE TABLE odb.copy_methods (     -- what trying file_copy_method = clone taught odb, per server
                server text PRIMARY KEY,        -- the server's system identifier and major version
                clone boolean NOT NULL,         -- whether a clone worked there
                reason text NOT NULL,
                checked_at timestamptz NOT NULL DEFAULT now()
            )
            """
        ],
    ]

    // MARK: Locks

    /// Holds odb's lock on one tracked database for the duration of `body`, waiting up to
    /// `timeout` for another odb to finish.
    func withLock<T>(
        on database: String, timeout: Duration, events: (Event) -> Void, _ body: () async throws -> T
    ) async throws -> T {
        if try !tryLock(Self.lockClass, on: database) {
            let holder = try lockHolder(database)
            events(.waitingForLock(database: database, holder: holder))
            let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            try connection.query("SELECT set_config('lock_timeout', \(String(milliseconds)), false)")
            do {
                try connection.query("SELECT pg_advisory_lock(\(Self.lockClass), hashtext(\(database)))")
            } catch SQLState.lockNotAvailable {
                throw OdbError.busy(database: database, holder: holder)
            }
        }
        defer { unlock(Self.lockClass, on: database) }
        return try await body()
    }

    /// Takes odb's advisory lock of `lockClass` on `key` if no session holds it.
    func tryLock(_ lockClass: Int32, on key: String) throws -> Bool {
        try connection.query("SELECT pg_try_advisory_lock(\(lockClass), hashtext(\(key))) AS ok").first?.bool("ok") == true
    }

    /// Releases a lock `tryLock` or `withLock` took; a lost connection released it already.
    func unlock(_ lockClass: Int32, on key: String) {
        _ = try? connection.query("SELECT pg_advisory_unlock(\(lockClass), hashtext(\(key)))")
    }

    /// The condition, on `pg_locks l`, that some session holds odb's lock of `lockClass` on `key`
    /// in this control database: for queries that look at who holds a lock without taking it.
    static func held(_ lockClass: Int32, on key: String) -> SQL {
        """
        l.locktype = 'advisory' AND l.granted AND l.classid = \(Int64(lockClass))::oid AND l.objid = hashtext(\(key))::oid
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """
    }

    private func lockHolder(_ database: String) throws -> String {
        let rows = try connection.query(
            """
            SELECT a.pid, a.usename, a.client_addr, a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE \(Self.held(Self.lockClass, on: database))
            LIMIT 1
            """)
        guard let row = rows.first else { return "another session" }
        return "\(row.string("usename")), backend pid \(row.string("pid"))"
    }
}
