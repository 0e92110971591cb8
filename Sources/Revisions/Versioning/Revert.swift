/// Reverting: the working database becomes a copy of a revision, under the same name.
extension Repository {
    /// Makes the working database a copy of `target` (default: its parent), keeping its name and
    /// revision number.
    ///
    /// The replacement is a ready spare of the target when there is one, else a copy built under a
    /// temporary name with the revision's owner, grants and settings restored. Then the fenced
    /// swap puts it in place and records the new parent in the same transaction. Killed at any
    /// step, the working database exists, whole, holding the old state or the new; the next odb
    /// command undoes the unfinished part.
    public func revert(to target: RevisionArgument?) throws -> RevertOutcome {
        try changing { state in
            if state.protected { throw OdbError.protected(database: database) }
            let number = try resolve(target ?? .number(state.parent), parent: state.parent)
            let source = try revisionDatabase(number)
            guard let recorded = try records.record(number)?.properties else { throw OdbError.unknownRevision(String(number)) }
            let working = try DatabaseProperties.read(database, on: connection)
            let aside = try asideName()
            let allowConnections = working?.allowConnections ?? recorded.allowConnections
            let spare = try spareRecords.ready(number) ?? awaitSpare(number)
            let entry = Journal.Entry(
                kind: spare == nil ? .revert : .swap, number: number, made: spare ?? Names.replacementDatabase(database),
                replaced: aside, allowConnections: allowConnections)
            if spare == nil, try databaseExists(entry.made) { throw OdbError.nameTaken(database: entry.made) }
            try journal.record(entry)
            let ended: [Session]
            do {
                try reached(.revertJournaled)
                if spare == nil {
                    try copy(from: source, to: entry.made, frozen: false)
                    try reached(.revertCopied)
                    try restore(recorded, on: entry.made)
                    try reached(.revertRestored)
                }
                ended = try swap(
                    in: entry.made, entry: entry, replaced: .discard, allowConnections: recorded.allowConnections
                ) { try tracking.setParent(number) }
            } catch {
                try? rollBack(entry)
                throw error
            }
            if let spare { events(.usedSpare(number: number, database: spare)) }
            if !options.background { try dropDiscarded() }
            return RevertOutcome(
                database: database, parent: number, revision: state.revision, endedSessions: ended, usedSpare: spare != nil)
        }
    }

    /// Sets a copy's owner, grants and settings to those recorded with its revision.
    func restore(_ recorded: DatabaseProperties, on copy: String) throws {
        let roles = try connection.roleNames()
        let missing = recorded.missingRoles(existingRoles: roles)
        if !missing.isEmpty { events(.rolesMissing(database: copy, roles: missing)) }
        for statement in recorded.restoreStatements(on: copy, existingRoles: roles) {
            try connection.query(statement)
        }
    }
}
