/// Putting a replacement database in place of the working one, which keeps its name: the one way
/// odb replaces a working database: a revert, a restore and a failed migration's undo all use it.
///
/// The caller first makes the replacement under another name, not connectable, and journals the
/// operation with the name the working database will go aside to (`asideName()`). Then the swap
/// ends the working database's sessions, and in one transaction gives the replacement the owner,
/// grants and settings it is to have (`restoring`), renames the working database aside (which
/// locks it: new connections wait, see `Fence`), gives the replacement its name, lets connections
/// in as `restoring` says, runs the caller's metadata update and clears the journal. Killed before
/// that transaction commits, nothing has changed but what the journal lists, and nothing is
/// refused; after it, everything has. On failure the error is rethrown; the caller's rollback
/// (`rollBack(_:)`) drops what the journal says it made.
extension Repository {
    /// What becomes of the database a swap replaces.
    enum Replaced: Equatable {
        /// Listed for dropping, off the user's path (by the background worker, or the caller).
        case discard
        /// Kept, frozen like a revision (not connectable, a template), for the caller's record to
        /// name: a state that can be returned to.
        case keep
    }

    /// The name the working database goes aside to in a swap; nil when there is no working
    /// database (dropped by hand: then the swap only puts the replacement in place).
    func asideName() throws -> String? {
        guard let oid = try connection.oid(ofDatabase: database) else { return nil }
        let name = Names.discardedDatabase(database, oid: oid)
        if try databaseExists(name) { throw OdbError.nameTaken(database: name) }
        return name
    }

    /// Swaps `replacement` in for the working database (see the type's description); returns the
    /// sessions the fence ended. `entry` is the operation's journal entry, already recorded.
    @discardableResult
    func swap(
        in replacement: String, entry: Journal.Entry, replaced: Replaced, restoring properties: DatabaseProperties,
        record: () throws -> Void
    ) throws -> [Session] {
        var ended: [Session] = []
        let replication = try connection.replication(of: database)
        if !replication.isEmpty {
            throw OdbError.replicationInUse(
                database: database, subscriptions: replication.subscriptions, slots: replication.slots)
        }
        if entry.replaced != nil {
            ended = try control.endSessions(database, terminate: options.terminate)
            if !ended.isEmpty { events(.endedSessions(database: database, sessions: ended)) }
        }
        try reached(.swapFenced)
        func renames(looking look: () -> Void) throws {
            try connection.transaction {
                try connection.limitLockWaits()
                try restore(properties, on: replacement)
                if let aside = entry.replaced {
                    // The rename locks the working database: from here to the commit, new
                    // connections wait (and then find the replacement under its name).
                    try connection.query(
                        "ALTER DATABASE \(identifier: database) RENAME TO \(identifier: aside)", every: SessionGuard.interval,
                        waiting: look)
                    switch replaced {
                    case .discard: try discarded.add(aside)
                    case .keep:
                        try connection.query(
                            "ALTER DATABASE \(identifier: aside) WITH ALLOW_CONNECTIONS false IS_TEMPLATE true")
                    }
                }
                try connection.query("ALTER DATABASE \(identifier: replacement) RENAME TO \(identifier: database)")
                try connection.query(ControlDatabase.allowConnections(database, properties.allowConnections))
                try spareRecords.forgetSwappedIn(replacement)
                try record()
                try journal.clear()
            }
        }
        do {
            if entry.replaced != nil {
                let late = try control.guarding(database, terminate: options.terminate) { try renames(looking: $0.look) }.1
                if !late.isEmpty { events(.endedSessions(database: database, sessions: late)) }
                ended += late
            } else {
                try renames {}
            }
        } catch let error as PostgresError where error.sqlState == .lockNotAvailable {
            throw OdbError.databaseLocked(
                database: database, holders: (try? connection.catalogLockHolders(database)) ?? [],
                seconds: Connection.catalogLockTimeout)
        }
        try reached(.swapSwapped)
        return ended
    }

    /// Undoes a journaled operation that did not reach its swap or its record: drops what it made
    /// (never a spare it was about to swap in, nor a database someone else made under the name,
    /// `dropping: false`), lets connections back into the working database as they were, and
    /// clears the journal.
    func rollBack(_ entry: Journal.Entry, dropping: Bool = true) throws {
        if dropping, entry.kind != .swap { try drop(entry.made) }
        if try databaseExists(database) {
            try control.unfence(database, allowConnections: entry.allowConnections)
        }
        try journal.clear()
    }
}
