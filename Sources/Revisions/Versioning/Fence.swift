/// Keeping everyone else out of a database while odb copies, renames or drops it.
///
/// New connections are refused first (`ALLOW_CONNECTIONS false`, which binds superusers too), so
/// that nobody slips in between ending the sessions and the work; then the open sessions are ended
/// (or, with `terminate: false`, odb refuses); then odb polls until they are gone.
extension ControlDatabase {
    /// Fences `database`, returning the sessions it ended; `allowConnections` is what to restore.
    func fence(_ database: String, terminate: Bool, deadline: Duration = .seconds(10)) throws -> [Session] {
        try setAllowConnections(database, false)
        do {
            let sessions = try sessions(on: database)
            if sessions.isEmpty { return [] }
            guard terminate else {
                throw OdbError.connectionsOpen(database: database, sessions: Self.describe(sessions))
            }
            for session in sessions {
                do {
                    try connection.query("SELECT pg_terminate_backend(\(session.pid))")
                } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
                    throw OdbError.notPermitted(action: "end the sessions on '\(database)' (\(session))", reason: error.message)
                }
            }
            let end = ContinuousClock.now + deadline
            var remaining = sessions
            while !remaining.isEmpty {
                guard ContinuousClock.now < end else {
                    throw OdbError.sessionsDidNotEnd(database: database, sessions: Self.describe(remaining))
                }
                // A terminated backend exits within milliseconds; poll, with a fresh statistics snapshot each time.
                try connection.query("SELECT pg_stat_clear_snapshot()")
                remaining = try self.sessions(on: database)
            }
            return sessions
        } catch {
            _ = try? setAllowConnections(database, true)
            throw error
        }
    }

    /// Lets connections back in, as they were before the fence.
    func unfence(_ database: String, allowConnections: Bool) throws {
        try setAllowConnections(database, allowConnections)
    }

    func setAllowConnections(_ database: String, _ allow: Bool) throws {
        do {
            try connection.query(
                "ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS \(unsafeRaw: allow ? "true" : "false")")
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw OdbError.notPermitted(action: "change '\(database)'", reason: error.message)
        }
    }

    func sessions(on database: String) throws -> [Session] {
        try connection.query(
            """
            SELECT pid, coalesce(usename, '') AS usename, coalesce(application_name, '') AS application_name
            FROM pg_stat_activity WHERE datname = \(database) AND pid <> pg_backend_pid() ORDER BY pid
            """
        ).map { Session(pid: $0.int("pid"), user: $0.string("usename"), application: $0.string("application_name")) }
    }

    static func describe(_ sessions: [Session]) -> String {
        let shown = sessions.prefix(5).map(\.description).joined(separator: ", ")
        return sessions.count > 5 ? "\(shown) and \(sessions.count - 5) more" : shown
    }
}
