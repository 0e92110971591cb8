import Foundation

/// What odb asks the server's catalog about databases, roles and sessions.
extension Connection {
    /// Whether a database of that name exists on the server.
    func databaseExists(_ name: String) throws -> Bool {
        try !query("SELECT 1 FROM pg_database WHERE datname = \(name)").isEmpty
    }

    /// A database's oid, as text; nil when there is no such database.
    /// Waits, up to a second, until the server session `pid` is gone: a closed connection's
    /// session leaves the server a moment after the client.
    func waitForSessionToEnd(_ pid: Int32) throws {
        let deadline = ContinuousClock.now + .seconds(1)
        while try !query("SELECT 1 FROM pg_stat_activity WHERE pid = \(Int(pid))").isEmpty, ContinuousClock.now < deadline {
            usleep(1000)  // the poll's interval, under the deadline above
        }
    }

    func oid(ofDatabase name: String) throws -> String? {
        try query("SELECT oid::text AS oid FROM pg_database WHERE datname = \(name)").first?.string("oid")
    }

    /// A database's size on disk in bytes.
    func databaseSize(_ name: String) throws -> Int64 {
        try query("SELECT pg_database_size(\(name)) AS size").first?.int64("size") ?? 0
    }

    /// What the databases odb made on this server take (revisions, spares, a revert's replacement,
    /// replaced and hidden states: the names `Names.isOdbMade` knows), or nil when it cannot be
    /// measured, for instance while one of them is being dropped.
    func odbMadeSize() -> Int64? {
        // The names are told apart by `Names.isOdbMade`, the one rule for them, not by a copy of
        // its pattern in SQL; only names with a `*` are measured.
        guard
            let rows = try? query(
                "SELECT datname, pg_database_size(oid) AS size FROM pg_database WHERE strpos(datname, '*') > 0")
        else { return nil }
        return try? rows.filter { Names.isOdbMade(try $0.string("datname")) }.reduce(0) { $0 + (try $1.int64("size")) }
    }

    /// The logical replication tied to a database: subscriptions that live in it, and slots that
    /// decode it. A rename swap would leave both on the replaced database; `DROP DATABASE` drops
    /// the inactive slots without a word, and refuses the subscriptions.
    func replication(of database: String) throws -> Replication {
        let row = try query(
            """
            SELECT coalesce((SELECT json_agg(subname ORDER BY subname) FROM pg_subscription WHERE subdbid = d.oid), '[]')::text AS subscriptions,
                   coalesce((SELECT json_agg(slot_name ORDER BY slot_name) FROM pg_replication_slots WHERE database = d.datname), '[]')::text AS slots
            FROM pg_database d WHERE d.datname = \(database)
            """
        ).first
        guard let row else { return Replication(database: database) }
        return Replication(
            database: database, subscriptions: try row.jsonArray("subscriptions"), slots: try row.jsonArray("slots"))
    }

    /// The names of every role.
    func roleNames() throws -> Set<String> {
        Set(try query("SELECT rolname FROM pg_roles").map { try $0.string("rolname") })
    }

    /// The other sessions connected to `database`. Not autovacuum's workers: they are nobody's
    /// connection, and the statements odb fences with end them by themselves (PostgreSQL's
    /// `CountOtherDBBackends`), so reporting them as ended connections would only puzzle.
    func sessions(on database: String) throws -> [Session] {
        try query(
            """
            SELECT pid, coalesce(usename, '') AS usename, coalesce(application_name, '') AS application_name
            FROM pg_stat_activity WHERE datname = \(database) AND pid <> pg_backend_pid()
              AND backend_type IS DISTINCT FROM 'autovacuum worker'
            ORDER BY pid
            """
        ).map(Session.init(row:))
    }
}

extension Session {
    /// A session from a row of `pg_stat_activity` with `pid`, `usename` and `application_name`.
    init(row: Row) throws {
        self.init(pid: try row.int("pid"), user: try row.string("usename"), application: try row.string("application_name"))
    }
}
