/// Turning what a user names (a number, a tag, `tip`) into a revision and its database.
extension Repository {
    /// The revision number a user's argument names; `parent` (the working database's) explains
    /// a missing parent.
    func resolve(_ argument: RevisionArgument, parent: Int) throws -> Int {
        switch argument {
        case .number(let number):
            if number == 0, parent == 0 { throw OdbError.nothingCommitted }
            guard try records.exists(number) else { throw OdbError.unknownRevision(String(number)) }
            return number
        case .tip:
            guard let tip = try records.tip() else { throw OdbError.nothingCommitted }
            return tip
        case .tag(let name):
            guard let number = try tagRecords.number(of: name) else { throw OdbError.unknownRevision(name) }
            return number
        case .hidden(let number):
            // Hidden state N is revision -N (see HiddenStates.swift).
            guard try records.exists(-number) else { throw OdbError.unknownRevision("@\(number)") }
            return -number
        }
    }

    /// The database of a revision, checked to exist.
    func revisionDatabase(_ number: Int) throws -> String {
        guard let record = try records.record(number) else { throw OdbError.unknownRevision(String(number)) }
        // A restore's revision that the background worker is loading is waited for.
        guard let name = try record.dbname ?? awaitPendingLoad(number) else { throw OdbError.revisionPurged(number) }
        guard try databaseExists(name) else { throw OdbError.revisionDatabaseMissing(number: number, database: name) }
        return name
    }
}
