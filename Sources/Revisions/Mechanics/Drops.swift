/// Dropping what odb made: revision, spare, temporary and replaced databases, never a user's.
extension Repository {
    /// Drops a database odb made, if it exists: a frozen one is unfrozen first, unless a drop that
    /// was interrupted left it invalid (`datconnlimit` -2), which only DROP DATABASE accepts.
    func drop(_ name: String) throws {
        guard
            let row = try connection.query(
                "SELECT datistemplate AND datconnlimit <> -2 AS frozen FROM pg_database WHERE datname = \(name)"
            ).first
        else { return }
        if try row.bool("frozen") { try connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE false") }
        try connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
    }

    /// Drops the databases listed as discarded: those reverts replaced, purged revisions, spares
    /// no longer wanted. Each is claimed with an advisory lock first, so that a purge and a
    /// background worker never drop the same database at once (PostgreSQL marks a database being
    /// dropped invalid, and refuses any other change to it meanwhile); one that another odb is
    /// dropping is left to it.
    @discardableResult
    func dropDiscarded() throws -> [String] {
        var dropped: [String] = []
        for name in try discarded.names() where try dropDiscarded(name) {
            events(.droppedDiscarded(database: name))
            dropped.append(name)
        }
        return dropped
    }

    /// Drops one discarded database unless another odb is at it; true when this one did.
    @discardableResult
    func dropDiscarded(_ name: String) throws -> Bool {
        guard try control.tryLock(.drop, on: name) else { return false }
        defer { control.unlock(.drop, on: name) }
        guard try discarded.contains(name) else { return false }
        try drop(name)
        try reached(.discardDropped)
        try discarded.remove(name)
        return true
    }
}
