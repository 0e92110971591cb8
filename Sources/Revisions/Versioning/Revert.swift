/// Reverting: the working database becomes a copy of a revision, under the same name.
extension Repository {
    /// Makes the working database a copy of `target` (default: its parent), keeping its name and
    /// revision number.
    ///
    /// The replacement is a ready spare of the target when there is one, else a copy built under a
    /// temporary name. Then the fenced swap gives it the revision's owner, grants and settings,
    /// puts it in place and records the new parent, all in one transaction. Killed at any
    /// step, the working database exists, whole, holding the old state or the new; the next odb
    /// command undoes the unfinished part.
    public func revert(to target: RevisionArgument?) throws -> RevertOutcome {
        // The worker's build of the target's spare goes on: its rest is shorter than a copy.
        let wanted = try? resolve(target ?? .number(try state().parent), parent: try state().parent)
        return try changing(sparing: wanted.map { Names.spareDatabase(database, number: $0) }) { state in
            if state.protected { throw OdbError.protected(database: database) }
            let number = try resolve(target ?? .number(state.parent), parent: state.parent)
            let source = try revisionDatabase(number)
            guard let recorded = try records.record(number)?.properties else { throw OdbError.unknownRevision(String(number)) }
            let working = try DatabaseProperties.read(database, on: connection)
            let aside = try asideName()
            let allowConnections = working?.allowConnections ?? recorded.allowConnections
            let spare = try spareRecords.ready(number) ?? awaitSpare(number)
            if spare == nil, let failure = try tracking.spareFailure(), failure.number == number {
                events(.spareFailed(failure))
            }
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
                }
                let baseline = try baselineAfterRevert(to: number, replacement: entry.made)
                ended = try swap(in: entry.made, entry: entry, replaced: .discard, restoring: recorded) {
                    try tracking.setParent(number, baseline: baseline)
                }
            } catch OdbError.nameTaken(let name) where name == entry.made {
                try? rollBack(entry, dropping: false)
                throw OdbError.nameTaken(database: name)
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

    /// Gives a copy the owner, grants and settings recorded with its revision, inside the
    /// caller's transaction. What this role may not restore (a per-role setting a superuser made,
    /// say) is left out, each statement under a savepoint, and reported: a revision never becomes
    /// unrevertable for want of a right.
    func restore(_ recorded: DatabaseProperties, on copy: String) throws {
        let roles = try connection.roleNames()
        let missing = recorded.missingRoles(existingRoles: roles)
        if !missing.isEmpty { events(.rolesMissing(database: copy, roles: missing)) }
        var refused: [String] = []
        for statement in recorded.restoreStatements(on: copy, existingRoles: roles) {
            try connection.query("SAVEPOINT odb_restore")
            do {
                try connection.query(statement)
                try connection.query("RELEASE SAVEPOINT odb_restore")
            } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
                try connection.query("ROLLBACK TO SAVEPOINT odb_restore")
                refused.append(try connection.text(of: statement))
            }
        }
        if !refused.isEmpty { events(.restoreRefused(database: copy, statements: refused)) }
    }
}
