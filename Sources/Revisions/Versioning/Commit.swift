/// Committing: the working database is copied into a frozen revision database, and the working
/// database moves to the next number. Its sessions are ended first; new ones wait for the copy's
/// lock on it and then proceed (see `Fence`): a commit delays an application, never refuses it.
extension Repository {
    /// Freezes the working database as revision N (its current number) and moves it to N+1.
    public func commit(message: String) throws -> CommitOutcome {
        if message.contains("\0") { throw OdbError.invalidMessage }
        return try changing { state in
            guard let properties = try DatabaseProperties.read(database, on: connection) else {
                throw OdbError.workingDatabaseMissing(database: database)
            }
            // Taken before the sessions end: what they write from here on shows as a change.
            let baseline = currentBaseline()
            let number = state.revision
            if number == 1 { try refuseTrackedByAnother() }
            let frozen = Names.revisionDatabase(database, number: number)
            if try databaseExists(frozen) { throw OdbError.nameTaken(database: frozen) }
            let entry = Journal.Entry(
                kind: .commit, number: number, made: frozen, replaced: nil, allowConnections: properties.allowConnections)
            try journal.record(entry)
            var ended: [Session]
            do {
                try reached(.commitJournaled)
                ended = try control.endSessions(database, terminate: options.terminate)
            } catch {
                try? journal.clear()
                throw error
            }
            if !ended.isEmpty { events(.endedSessions(database: database, sessions: ended)) }
            do {
                try reached(.commitFenced)
                // The copy's size is the size measured just before it, with every session ended.
                let (report, late) = try guardedCopy(from: database, to: frozen, frozen: true)
                let size = report.size
                if !late.isEmpty { events(.endedSessions(database: database, sessions: late)) }
                ended += late
                try reached(.commitCopied)
                try connection.transaction {
                    try records.insert(
                        .init(
                            number: number, parent: state.parent, dbname: frozen, message: message, author: Self.author,
                            size: size, properties: properties, baseline: baseline))
                    try tracking.committed(number, baseline: baseline)
                    try journal.clear()
                }
            } catch OdbError.nameTaken(let name) where name == frozen {
                try? rollBack(entry, dropping: false)
                throw OdbError.nameTaken(database: name)
            } catch {
                try? rollBack(entry)
                throw error
            }
            return CommitOutcome(
                database: database, committed: number, revision: number + 1, revisionDatabase: frozen, endedSessions: ended)
        }
    }
}
