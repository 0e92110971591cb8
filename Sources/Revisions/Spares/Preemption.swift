/// A command the user typed never waits for the background worker: it cancels the worker's copy
/// (the worker's session is the one holding the maintenance lock), does its work, and starts a
/// worker again afterwards (every command that has a background worker does), which builds the
/// spare from the start.
extension Repository {
    /// Cancels the spare build the background worker is running on this database, unless it is
    /// the build of `spare` cloning or copying file by file: a revert to that very revision is
    /// then faster waiting for the rest of the build than making a copy of its own. A build
    /// through the WAL (as spares are built where they cannot clone) writes every byte twice,
    /// and its rest can take longer than the revert's own copy: it is cancelled too. Only the
    /// copy is cancelled, never a drop (a cancelled DROP DATABASE can leave a database half gone
    /// on PostgreSQL 15).
    func preemptWorker(sparing spare: String?) throws {
        let quoted = spare.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let cancelled = try connection.query(
            """
            SELECT pg_cancel_backend(a.pid) AS cancelled FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE \(ControlDatabase.held(.maintenance, on: database)) AND a.pid <> pg_backend_pid()
              AND a.state = 'active' AND a.query ILIKE 'CREATE DATABASE %'
              AND (\(quoted == nil) OR strpos(a.query, \(quoted ?? "")) = 0 OR a.query LIKE \("% STRATEGY " + CopyStrategy.walLog.keyword + " %"))
            """)
        if try cancelled.contains(where: { try $0.bool("cancelled") }) { events(.preemptedWorker(database: database)) }
    }
}

extension PostgresError {
    /// Whether this is the worker's copy cancelled by a command that preempted it (not by a
    /// signal odb got: that is an interruption).
    var isPreemption: Bool { sqlState == .queryCanceled && Interruption.shared.signal == nil }
}
