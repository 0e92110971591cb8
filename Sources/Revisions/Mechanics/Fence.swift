import Foundation

/// Keeping everyone else out of a database while odb copies, renames or drops it.
///
/// New connections are refused first (`ALLOW_CONNECTIONS false`, which binds superusers too), so
/// that nobody slips in between ending the sessions and the work; then the open sessions are ended
/// (or, with `terminate: false`, odb refuses); then odb polls until they are gone.
extension ControlDatabase {
    /// Fences `database`, returning the sessions it ended. On failure connections are let back
    /// in as they were (`allowConnections`), and nothing else has changed.
    func fence(
        _ database: String, terminate: Bool, allowConnections: Bool, deadline: Duration = .seconds(10)
    ) throws -> [Session] {
        try setAllowConnections(database, false)
        do {
            let sessions = try connection.sessions(on: database)
            if sessions.isEmpty { return [] }
            guard terminate else { throw OdbError.connectionsOpen(database: database, sessions: sessions) }
            for session in sessions {
                do {
                    try connection.query("SELECT pg_terminate_backend(\(session.pid))")
                } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
                    throw OdbError.notPermitted(.endSession(database: database, session), reason: error.message)
                }
            }
            let end = ContinuousClock.now + deadline
            var remaining = sessions
            while !remaining.isEmpty {
                guard ContinuousClock.now < end else {
                    throw OdbError.sessionsDidNotEnd(database: database, sessions: remaining)
                }
                try Interruption.shared.checkpoint()
                // A terminated backend exits within milliseconds: poll every few, each time with a
                // fresh statistics snapshot.
                usleep(2_000)
                try connection.query("SELECT pg_stat_clear_snapshot()")
                remaining = try connection.sessions(on: database)
            }
            return sessions
        } catch {
            _ = try? setAllowConnections(database, allowConnections)
            throw error
        }
    }

    /// Lets connections back in, as they were before the fence.
    func unfence(_ database: String, allowConnections: Bool) throws {
        try setAllowConnections(database, allowConnections)
    }

    func setAllowConnections(_ database: String, _ allow: Bool) throws {
        do {
            try connection.query(Self.allowConnections(database, allow))
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw OdbError.notPermitted(.alterDatabase(database), reason: error.message)
        }
    }

    static func allowConnections(_ database: String, _ allow: Bool) -> SQL {
        "ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS \(unsafeRaw: allow ? "true" : "false")"
    }
}
