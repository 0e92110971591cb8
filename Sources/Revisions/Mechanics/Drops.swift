/// Dropping what odb made: revision, spare, temporary and replaced databases, never a user's.
extension Repository {
    /// Drops a database odb made, if it exists: a frozen one is unfrozen first, unless a drop that
    /// was interrupted left it invalid (`datconnlimit` -2), which only DROP DATABASE accepts.
    ///
    /// Never one that logical replication holds (`OdbError.replicationKeeps`): DROP DATABASE would
    /// drop the slots decoding it without a word (even those a subscriber elsewhere still needs)
    /// and refuses a subscription. A database that accepts connections is closed and emptied
    /// before it is looked at again, so that nobody makes a slot or a subscription in it between
    /// that look and the drop; kept, it accepts connections again.
    func drop(_ name: String) throws {
        guard
            let row = try connection.query(
                """
                SELECT datistemplate AND datconnlimit <> -2 AS frozen, datallowconn AND datconnlimit <> -2 AS open
                FROM pg_database WHERE datname = \(name)
                """
            ).first
        else { return }
        try refuseReplicated(name)
        if try row.bool("open") {
            try connection.query(ControlDatabase.allowConnections(name, false))
            do {
                _ = try control.endSessions(name, terminate: true)
                try refuseReplicated(name)
            } catch {
                _ = try? connection.query(ControlDatabase.allowConnections(name, true))
                throw error
            }
        }
        if try row.bool("frozen") { try connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE false") }
        try connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
    }

    private func refuseReplicated(_ name: String) throws {
        let replication = try connection.replication(of: name)
        if !replication.isEmpty { throw OdbError.replicationKeeps(replication) }
    }

    /// Drops the databases listed as discarded: those reverts replaced, purged revisions, spares
    /// no longer wanted. Each is claimed with an advisory lock first, so that a purge and a
    /// background worker never drop the same database at once (PostgreSQL marks a database being
    /// dropped invalid, and refuses any other change to it meanwhile); one that another odb is
    /// dropping is left to it, and one that logical replication keeps stays listed (said in an
    /// event) while the others go.
    @discardableResult
    func dropDiscarded() throws -> [String] {
        var dropped: [String] = []
        for name in try discarded.names() where try dropDiscarded(name) {
            events(.droppedDiscarded(database: name))
            dropped.append(name)
        }
        return dropped
    }

    /// Drops one discarded database unless another odb is at it or logical replication keeps it
    /// (then it stays listed, and an event says why); true when this one dropped it.
    @discardableResult
    func dropDiscarded(_ name: String) throws -> Bool {
        guard try control.tryLock(.drop, on: name) else { return false }
        defer { control.unlock(.drop, on: name) }
        guard try discarded.contains(name) else { return false }
        do {
            try drop(name)
        } catch OdbError.replicationKeeps(let replication) {
            events(.keptForReplication(replication))
            return false
        }
        try reached(.discardDropped)
        try discarded.remove(name)
        return true
    }

    /// The discarded databases that logical replication keeps, oldest first: the rest are due.
    func keptForReplication() throws -> [Replication] {
        try discarded.names().map { try connection.replication(of: $0) }.filter { !$0.isEmpty }
    }
}
