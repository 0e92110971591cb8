/// Starting to track a database, and undoing that.
extension Repository {
    /// Starts tracking the database at revision 1, parent 0. Already tracked: changes nothing.
    /// Missing: an error, unless `create`; then it is made empty, journaled so that a kill between
    /// recording and creating it leaves no tracked database without its database.
    func track(create: Bool) throws -> InitOutcome {
        try Names.validateDatabase(database)
        if try database == control.name || connection.isMarkedControlDatabase(database) {
            throw OdbError.invalidDatabaseName(database, reason: .controlDatabase)
        }
        if ["template0", "template1"].contains(database) {
            throw OdbError.invalidDatabaseName(database, reason: .template)
        }
        if Names.isOdbMade(database) { throw OdbError.invalidDatabaseName(database, reason: .odbName) }
        if try RevisionRecords.mentions(database, on: connection) || Journal.mentions(database, on: connection)
            || SpareRecords.mentions(database, on: connection) || DiscardedList.mentions(database, on: connection)
        {
            throw OdbError.invalidDatabaseName(database, reason: .madeByOdb)
        }
        if let owner = try CheckoutRecords.owner(of: database, on: connection) {
            throw OdbError.invalidDatabaseName(database, reason: .checkout(of: owner))
        }
        try refuseTrackedByAnother()
        return try control.withLock(on: database, timeout: options.lockTimeout, events: events) {
            if try tracking.state() != nil { try finishInterrupted() }
            if try tracking.state() == nil, let other = try revisionsMadeElsewhere().first {
                throw OdbError.trackedElsewhere(database: database, revision: other)
            }
            if let state = try tracking.state() {
                return InitOutcome(
                    database: database, created: false, alreadyTracked: true, revision: state.revision, parent: state.parent)
            }
            guard try !databaseExists(database) else {
                try tracking.insert()
                return InitOutcome(database: database, created: false, alreadyTracked: false, revision: 1, parent: 0)
            }
            guard create else { throw OdbError.databaseMissing(database: database) }
            try connection.transaction {
                try tracking.insert()
                try journal.record(
                    .init(kind: .initialize, number: 0, made: database, replaced: nil, allowConnections: true))
            }
            var created = false
            do {
                try reached(.initRecorded)
                try connection.query("CREATE DATABASE \(identifier: database)")
                created = true
            } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
                try tracking.delete()
                throw OdbError.notPermitted(.createDatabase(database), reason: error.message)
            } catch SQLState.duplicateDatabase {
                // Made by someone else meanwhile: track it as it is.
            }
            try reached(.initCreated)
            try journal.clear()
            return InitOutcome(database: database, created: created, alreadyTracked: false, revision: 1, parent: 0)
        }
    }

    /// Revision databases of this database that this control database did not make: signs that
    /// another control database on the server tracks it (two would drop each other's revisions).
    func revisionsMadeElsewhere() throws -> [String] {
        try connection.databasesNamedAfter(database).filter { $0.contains(/\*[0-9]+$/) }
    }

    /// Refuses a database another control database on the server tracks, when this role can read
    /// it (see `controlDatabase(tracking:also:)`): two would drop each other's revisions. Asked at
    /// `init`, and again before the first commit copies (both may have run `init` at once).
    func refuseTrackedByAnother() throws {
        if let other = try connection.controlDatabase(tracking: database, also: control.also) {
            throw OdbError.trackedByAnother(database: database, control: other)
        }
    }

    /// Recovers an interrupted `init --create`: tracking was recorded before the database was
    /// created, so it is kept if the database exists and forgotten if not.
    func recoverInit() throws -> Recovered.Outcome {
        if try databaseExists(database) {
            try journal.clear()
            return .completed
        }
        try tracking.delete()
        return .rolledBack
    }
}

/// What `untrack` did: the revision databases it dropped, or left in place.
public struct UntrackOutcome: Codable, Sendable, Equatable {
    public let database: String
    /// The revision databases dropped (with `dropRevisions`).
    public let dropped: [String]
    /// The revision databases left on the server, frozen, for the user to keep or drop.
    public let kept: [String]
}

/// Forgetting a tracked database: the undo of a mistaken `init`.
extension Repository {
    /// Forgets the database: its revisions, tags, spares and settings. Its spares are dropped
    /// (they are never user data); its revision databases too with `dropRevisions`, else they are
    /// left frozen and named in the outcome. The working database itself is never touched. In
    /// one transaction the metadata goes and the databases to drop are listed, so a kill leaves
    /// them for the next odb to drop. One that logical replication keeps refuses the untrack.
    public func untrack(dropRevisions: Bool) throws -> UntrackOutcome {
        let (spares, revisions): ([String], [String]) = try changing { state in
            if state.protected { throw OdbError.protected(database: database) }
            return try connection.transaction {
                let revisions = try connection.query(
                    "SELECT dbname FROM odb.revisions WHERE database = \(database) AND dbname IS NOT NULL ORDER BY number"
                ).map { try $0.string("dbname") }
                let spares = try spareRecords.all().map(\.database)
                // Once untracked, nothing would list them any more: refused now, nothing changed.
                for name in spares + (dropRevisions ? revisions : []) {
                    let replication = try connection.replication(of: name)
                    if !replication.isEmpty { throw OdbError.replicationKeeps(replication) }
                }
                for name in spares + (dropRevisions ? revisions : []) { try discarded.add(name) }
                try tracking.delete()
                return (spares, revisions)
            }
        }
        for name in spares + (dropRevisions ? revisions : []) { try dropDiscarded(name) }
        return UntrackOutcome(
            database: database, dropped: dropRevisions ? revisions : [], kept: dropRevisions ? [] : revisions)
    }
}
