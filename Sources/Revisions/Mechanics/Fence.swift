import Foundation

/// Keeping everyone else out of a database while odb copies or renames it, without ever closing it.
///
/// The statement that does the work (`CREATE DATABASE … TEMPLATE`, `ALTER DATABASE … RENAME`)
/// takes a lock on the database that makes every new connection to it wait — PostgreSQL's own
/// interlock against copying or renaming a database in use — and fails if a session is still on
/// it. So odb first ends the open sessions and waits until they are gone (`endSessions`; with
/// `terminate: false` it refuses instead), then runs the statement while a second connection ends
/// any session that arrived in between (`SessionGuard`), until `pg_locks` shows the statement's
/// lock granted and no session left. From then until the statement's transaction ends, a new
/// connection waits and then proceeds: it is delayed, never refused.
///
/// Nothing is written to the catalog for this (no `ALLOW_CONNECTIONS false`): the lock belongs to
/// odb's session, so an odb killed at any moment, whose session the server then ends, leaves
/// nothing refused.
extension ControlDatabase {
    /// Ends the sessions on `database` (or, with `terminate: false`, refuses when there are some)
    /// and waits until they are gone; returns them. Changes nothing else.
    func endSessions(_ database: String, terminate: Bool, deadline: Duration = .seconds(10)) throws -> [Session] {
        // A prepared transaction holds the database as a session would, and no signal ends it.
        let prepared = try connection.query("SELECT gid FROM pg_prepared_xacts WHERE database = \(database) ORDER BY prepared")
        if !prepared.isEmpty {
            throw OdbError.preparedTransactions(database: database, gids: try prepared.map { try $0.string("gid") })
        }
        let sessions = try connection.sessions(on: database)
        if sessions.isEmpty { return [] }
        guard terminate else { throw OdbError.connectionsOpen(database: database, sessions: sessions) }
        try connection.terminate(sessions, on: database)
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
            remaining = try connection.sessions(on: database).filter { session in sessions.contains { $0.pid == session.pid } }
        }
        return sessions
    }

    /// Runs `work` on this connection with a `SessionGuard` for `database`, which `work` calls
    /// while its locking statement runs (`connection.query(sql, every: SessionGuard.interval)`);
    /// returns what `work` returned and the sessions the guard ended.
    func guarding<T>(_ database: String, terminate: Bool, _ work: (SessionGuard) throws -> T) throws -> (T, [Session]) {
        guard let oid = try connection.oid(ofDatabase: database) else {
            throw OdbError.databaseMissing(database: database)
        }
        let sessionGuard = try SessionGuard(
            database: database, oid: oid, terminate: terminate, worker: connection, watcher: try connection.sibling())
        let value: T
        do {
            value = try work(sessionGuard)
        } catch {
            throw sessionGuard.failure ?? error
        }
        if let failure = sessionGuard.failure { throw failure }
        return (value, sessionGuard.ended)
    }

    /// Sets `ALLOW_CONNECTIONS` back to what a journal recorded, after an interruption of an
    /// older odb that fenced with it; no statement at all when it already is (a change would
    /// wait on anyone holding the database's catalog row).
    func unfence(_ database: String, allowConnections: Bool) throws {
        let current = try connection.query("SELECT datallowconn FROM pg_database WHERE datname = \(database)").first?
            .bool("datallowconn")
        guard let current, current != allowConnections else { return }
        do {
            try connection.query(Self.allowConnections(database, allowConnections))
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw OdbError.notPermitted(.alterDatabase(database), reason: error.message)
        }
    }

    static func allowConnections(_ database: String, _ allow: Bool) -> SQL {
        "ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS \(unsafeRaw: allow ? "true" : "false")"
    }
}

/// The second connection of a fence: while the worker's statement waits for its lock on the
/// database, or for the sessions on it to leave, the guard ends every session that is there; once
/// the lock is granted and none is left, new connections wait for the statement and the guard
/// stops looking. A failure (a session it may not end, a lock never granted) cancels the
/// statement, and the guard keeps the error for the caller.
final class SessionGuard {
    /// How often the worker's statement lets the guard look while it runs.
    static let interval: Duration = .milliseconds(5)
    /// How long the statement may wait for its lock before the guard gives up.
    static let lockDeadline: Duration = .seconds(30)

    let database: String
    let oid: String
    let terminate: Bool
    private let worker: Connection
    private let watcher: Connection
    private let started = ContinuousClock.now
    private(set) var ended: [Session] = []
    private(set) var failure: (any Error)?
    /// The statement holds its lock and no session is left on the database.
    private(set) var holding = false

    init(database: String, oid: String, terminate: Bool, worker: Connection, watcher: Connection) throws {
        self.database = database
        self.oid = oid
        self.terminate = terminate
        self.worker = worker
        self.watcher = watcher
    }

    /// One look: called by the worker's statement every `interval` while it runs.
    func look() {
        guard !holding, failure == nil else { return }
        do {
            // The lock first, then the sessions: a session that was not there once the lock was
            // held can only be waiting for it.
            let locked = try !watcher.query(
                """
                SELECT 1 FROM pg_locks WHERE pid = \(Int(worker.backendPID)) AND locktype = 'object'
                AND classid = 'pg_database'::regclass AND objid = \(oid)::oid AND granted
                """
            ).isEmpty
            let sessions = try watcher.sessions(on: database).filter { $0.pid != Int(worker.backendPID) }
            if !sessions.isEmpty {
                // Without leave to end them, the statement fails on them by itself.
                guard terminate else { return }
                try watcher.terminate(sessions, on: database)
                ended += sessions.filter { session in !ended.contains { $0.pid == session.pid } }
            }
            if locked, sessions.isEmpty {
                holding = true
            } else if !locked, ContinuousClock.now - started > Self.lockDeadline {
                throw OdbError.sessionsDidNotEnd(database: database, sessions: sessions)
            }
        } catch {
            failure = error
            worker.cancel()
        }
    }
}

extension Connection {
    /// How long odb's statements on a database's catalog row wait for a lock (`SET LOCAL`, so
    /// for one transaction only).
    static let catalogLockTimeout = 10

    /// Limits lock waits for the rest of this transaction to `catalogLockTimeout`.
    func limitLockWaits() throws {
        try query("SET LOCAL lock_timeout = \(literal: "\(Self.catalogLockTimeout)s")")
    }

    /// The sessions holding a lock that a change of `database` must wait for: an open
    /// transaction that changed any database's catalog row, or a lock on this database itself.
    /// Those holding a lock on this database come first, then the longest open: on a busy server
    /// other sessions hold the catalog's lock for a moment too, and a message names the first few.
    func catalogLockHolders(_ database: String) throws -> [Session] {
        let onThisDatabase: SQL = """
            l.locktype = 'object' AND l.classid = 'pg_database'::regclass
            AND l.objid = (SELECT oid FROM pg_database WHERE datname = \(database))
            """
        return try query(
            """
            SELECT a.pid, coalesce(a.usename, '') AS usename, coalesce(a.application_name, '') AS application_name
            FROM pg_stat_activity a
            WHERE a.pid <> pg_backend_pid() AND EXISTS (
                SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
                AND ((l.locktype = 'relation' AND l.relation = 'pg_database'::regclass AND l.mode <> 'AccessShareLock')
                    OR (\(onThisDatabase))))
            ORDER BY EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted AND \(onThisDatabase)) DESC,
                     a.xact_start NULLS LAST, a.pid
            """
        ).map(Session.init(row:))
    }

    /// Ends `sessions` on `database` (`pg_terminate_backend`).
    func terminate(_ sessions: [Session], on database: String) throws {
        for session in sessions {
            do {
                try query("SELECT pg_terminate_backend(\(session.pid))")
            } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
                throw OdbError.notPermitted(.endSession(database: database, session), reason: error.message)
            }
        }
    }
}
