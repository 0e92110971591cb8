/// Committing: the working database, fenced for the moment of the copy, is copied into a frozen
/// revision database, and the working database moves to the next number.
extension Repository {
    /// Freezes the working database as revision N (its current number) and moves it to N+1.
    public func commit(message: String) throws -> CommitOutcome {
        if message.contains("\0") { throw OdbError.invalidMessage }
        return try changing { state in
            guard let properties = try DatabaseProperties.read(database, on: connection) else {
                throw OdbError.workingDatabaseMissing(database: database)
            }
            let number = state.revision
            let frozen = Names.revisionDatabase(database, number: number)
            if try databaseExists(frozen) { throw OdbError.nameTaken(database: frozen) }
            let entry = Journal.Entry(
                kind: .commit, number: number, made: frozen, replaced: nil, allowConnections: properties.allowConnections)
            try journal.record(entry)
            let ended: [Session]
            do {
                try reached(.commitJournaled)
                ended = try control.fence(database, terminate: options.terminate, allowConnections: properties.allowConnections)
            } catch {
                try? journal.clear()
                throw error
            }
            if !ended.isEmpty { events(.endedSessions(database: database, sessions: ended)) }
            do {
                try reached(.commitFenced)
                // A fenced database cannot change, so the copy's size is the size measured before it.
                let size = try copy(from: database, to: frozen, frozen: true).size
                try reached(.commitCopied)
                try connection.transaction {
                    try records.insert(
                        .init(
                            number: number, parent: state.parent, dbname: frozen, message: message, author: Self.author,
                            size: size, properties: properties))
                    try tracking.committed(number)
                    try journal.clear()
                }
            } catch OdbError.nameTaken(let name) where name == frozen {
                try? rollBack(entry, dropping: false)
                throw OdbError.nameTaken(database: name)
            } catch {
                try? rollBack(entry)
                throw error
            }
            try control.unfence(database, allowConnections: properties.allowConnections)
            return CommitOutcome(
                database: database, committed: number, revision: number + 1, revisionDatabase: frozen, endedSessions: ended)
        }
    }
}
