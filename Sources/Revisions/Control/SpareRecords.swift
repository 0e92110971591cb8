/// The spares of one tracked database (`odb.spares`): a row is written when a build starts
/// (`ready` false) and marked ready when the copy is whole, so a row never names a database odb
/// did not make, and a build whose worker died is found and discarded.
struct SpareRecords {
    let connection: Connection
    let database: String

    /// Every spare, newest revision first.
    func all() throws -> [Spare] {
        try connection.query(
            "SELECT number, dbname, ready, size FROM odb.spares WHERE database = \(database) ORDER BY number DESC"
        ).map {
            Spare(
                number: try $0.int("number"), database: try $0.string("dbname"), ready: try $0.bool("ready"),
                size: try $0.optionalInt64("size"))
        }
    }

    /// The spare of revision `number` when it is ready and its database exists.
    func ready(_ number: Int) throws -> String? {
        try connection.query(
            """
            SELECT s.dbname FROM odb.spares s JOIN pg_database p ON p.datname = s.dbname
            WHERE s.database = \(database) AND s.number = \(number) AND s.ready
            """
        ).first?.string("dbname")
    }

    /// Where the spare of revision `number` stands: nil when there is none; else whether it is
    /// ready, and whether a worker holds the maintenance lock (so a build is under way).
    func build(of number: Int) throws -> (ready: Bool, building: Bool)? {
        try connection.query(
            """
            SELECT s.ready, EXISTS (
                SELECT 1 FROM pg_locks l WHERE \(ControlDatabase.held(.maintenance, on: database))
            ) AS building
            FROM odb.spares s WHERE s.database = \(database) AND s.number = \(number)
            """
        ).first.map { (try $0.bool("ready"), try $0.bool("building")) }
    }

    /// The build of revision `number`'s spare as the server shows it: the revision's size, and how
    /// long the worker's copy has run (nil when its session is not copying, or cannot be seen).
    func buildUnderWay(of number: Int) throws -> (size: Int64?, running: Duration?) {
        let row = try connection.query(
            """
            SELECT (SELECT pg_database_size(oid) FROM pg_database WHERE datname = \(Names.revisionDatabase(database, number: number))) AS size,
                   (SELECT (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::bigint FROM pg_stat_activity a
                    JOIN pg_locks l ON l.pid = a.pid AND \(ControlDatabase.held(.maintenance, on: database))
                    WHERE a.query ILIKE 'CREATE DATABASE%' LIMIT 1) AS running_ms
            """
        ).first
        return (try row?.optionalInt64("size"), try row?.optionalInt64("running_ms").map { .milliseconds($0) })
    }

    /// Records that a build of revision `number`'s spare into `name` starts.
    func claim(_ number: Int, as name: String) throws {
        try connection.query("INSERT INTO odb.spares (database, number, dbname) VALUES (\(database), \(number), \(name))")
    }

    /// Marks a built spare ready; false when its row is gone (its revision was purged meanwhile).
    func markReady(_ name: String, size: Int64) throws -> Bool {
        try !connection.query(
            "UPDATE odb.spares SET ready = true, size = \(size), built_at = now() WHERE dbname = \(name) RETURNING number"
        ).isEmpty
    }

    /// Forgets a spare that has just been swapped in: it is the working database now.
    func forgetSwappedIn(_ name: String) throws {
        try connection.query("DELETE FROM odb.spares WHERE dbname = \(name)")
    }

    /// Moves one spare to the discarded list, in one statement.
    func discard(named name: String) throws { try discard(where: "s.dbname = \(name)") }

    /// Moves revision `number`'s spare, if any, to the discarded list.
    func discard(revision number: Int) throws { try discard(where: "s.number = \(number)") }

    /// Moves spares left half-built by a worker that is gone (nobody holds the maintenance lock)
    /// to the discarded list. One statement when there are none, so every command can afford it.
    func discardAbandoned() throws { try discard(where: Self.abandoned(of: database)) }

    /// A spare still being built while no worker holds the database's maintenance lock (a
    /// condition on `odb.spares s`).
    static func abandoned(of database: String) -> SQL {
        "NOT s.ready AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE \(ControlDatabase.held(.maintenance, on: database)))"
    }

    private func discard(where condition: SQL) throws {
        try connection.query(
            """
            WITH gone AS (DELETE FROM odb.spares s WHERE s.database = \(database) AND \(condition) RETURNING s.dbname, s.database)
            INSERT INTO odb.discarded (dbname, database) SELECT dbname, database FROM gone ON CONFLICT DO NOTHING
            """)
    }

    /// Whether `name` is a spare of any tracked database.
    static func mentions(_ name: String, on connection: Connection) throws -> Bool {
        try !connection.query("SELECT 1 FROM odb.spares WHERE dbname = \(name)").isEmpty
    }
}
