/// What a history tool reads: the working database, or a revision (or hidden state) by name.
public enum DatabaseState: Equatable, Sendable {
    case working
    case revision(RevisionArgument)
}

/// Reading a state without changing it: a session of odb's own, read-only
/// (`default_transaction_read_only`), on the working database or on a frozen revision.
///
/// A revision accepts no connections. To open a session on one, odb lists it in `odb.unfrozen`,
/// lets connections in, connects, and at once forbids them again: the session stays, and the
/// revision is connectable only for the moment of one connection. All of it runs under odb's
/// `reading` lock on that revision, which the recovery of every command takes too, so that a
/// killed odb's revision is frozen again by the next one and never while another opens it.
///
/// A copy from a revision (a revert, a spare) cannot run while a session is on it: it ends odb's
/// readers first (`endReaders`), and the reader's next statement fails.
extension Repository {
    /// The application name of odb's read-only sessions, by which copies find them.
    static let readerApplication = "odb reader"

    /// Runs `body` with a read-only session on `state`.
    public func reading<T>(_ wanted: DatabaseState, _ body: (Connection) throws -> T) throws -> T {
        let session: Connection
        switch wanted {
        case .working:
            guard try databaseExists(database) else { throw OdbError.workingDatabaseMissing(database: database) }
            session = try readOnlySession(on: database)
        case .revision(let argument):
            let number = try resolve(argument, parent: try state().parent)
            session = try openFrozen(try revisionDatabase(number))
        }
        return try body(session)
    }

    /// A read-only session on the frozen database `name`, which is frozen again before this returns.
    func openFrozen(_ name: String) throws -> Connection {
        try unfreeze(name)
        do {
            try reached(.readOpened)
        } catch {
            try? freezeAgain(name)
            throw error
        }
        let session = Result { try readOnlySession(on: name) }
        try freezeAgain(name)
        return try session.get()
    }

    /// Lets connections into the frozen database `name` for a program of odb's (pg_dump, as
    /// `readerApplication`), listed and under the `reading` lock until `freezeAgain`, which the
    /// caller calls once the program has connected.
    func unfreeze(_ name: String) throws {
        try control.lock(.reading, on: name, timeout: options.lockTimeout, events: events)
        do {
            try UnfrozenList(connection: connection).add(name)
            try control.unfence(name, allowConnections: true)
        } catch {
            try? freezeAgain(name)
            throw error
        }
    }

    /// Ends what `unfreeze` began.
    func freezeAgain(_ name: String) throws {
        defer { control.unlock(.reading, on: name) }
        try refreeze(name)
    }

    /// Forbids connections to a database opened for a reader again, and forgets it.
    func refreeze(_ name: String) throws {
        if try databaseExists(name) { try control.unfence(name, allowConnections: false) }
        try UnfrozenList(connection: connection).remove(name)
    }

    /// Freezes again the databases a killed odb opened for a reader and left connectable, each
    /// unless another odb is opening it at this moment (then that one freezes it).
    func refreezeAbandoned() throws {
        for name in try UnfrozenList(connection: connection).names() where try control.tryLock(.reading, on: name) {
            defer { control.unlock(.reading, on: name) }
            try refreeze(name)
        }
    }

    func readOnlySession(on name: String) throws -> Connection {
        do {
            return try connection.sibling(
                database: name, applicationName: Self.readerApplication, options: "-c default_transaction_read_only=on")
        } catch let error as PostgresError {
            throw OdbError.cannotConnect(server: control.server.display, reason: error.message)
        }
    }
}

extension ControlDatabase {
    /// Ends odb's read-only sessions on `name`, so that it can be copied: a reader gives way to a
    /// change.
    func endReaders(of name: String) throws {
        try connection.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = \(name) AND application_name = \(Repository.readerApplication) AND pid <> pg_backend_pid()
            """)
    }
}
