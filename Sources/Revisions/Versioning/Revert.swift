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
    ///
    /// When the working database holds work of its own, the swap keeps it as a hidden state
    /// (`HiddenStates.swift`) instead of discarding it, and drops the hidden states `retention`
    /// no longer keeps. A revert to a hidden state (`@N`) makes the working database's parent
    /// that state's parent. `keeping: false` discards the replaced state whatever it holds.
    public func revert(
        to target: RevisionArgument?, retention: HiddenRetention = .standard, keeping: Bool = true
    ) throws -> RevertOutcome {
        // The worker's clone of the target's spare goes on: its rest is shorter than a copy (see
        // `preemptWorker` for the builds that do not).
        let wanted = try? resolve(target ?? .number(try state().parent), parent: try state().parent)
        return try changing(sparing: wanted.map { Names.spareDatabase(database, number: $0) }) { state in
            if state.protected { throw OdbError.protected(database: database) }
            let number = try resolve(target ?? .number(state.parent), parent: state.parent)
            let source = try revisionDatabase(number)
            guard let recorded = try records.record(number)?.properties else { throw OdbError.unknownRevision(String(number)) }
            let working = try DatabaseProperties.read(database, on: connection)
            let aside = try asideName()
            let parent = try number > 0 ? number : records.parent(of: number) ?? 0
            // Whether the working database holds work to keep is read while the copy below runs.
            let check = try keeping && working != nil && aside != nil ? startWorkCheck() : nil
            var kept: (number: Int, expired: [(number: Int, name: String)])?
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
                let hidden = try hiddenKeep(aside: aside, working: working, parent: state.parent, target: number, check: check)
                let baseline = try baselineAfterRevert(to: number, replacement: entry.made)
                ended = try swap(in: entry.made, entry: entry, replaced: hidden == nil ? .discard : .keep, restoring: recorded) {
                    try tracking.setParent(parent, baseline: baseline)
                    if let hidden { kept = try recordHidden(hidden, retention: retention) }
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
            // Said once the revert has fully succeeded: a failure after the swap is one line.
            if let kept {
                events(.keptHiddenState(number: -kept.number))
                for (dropped, name) in kept.expired { events(.droppedRevision(number: dropped, database: name)) }
            }
            return RevertOutcome(
                database: database, parent: parent, revision: state.revision, endedSessions: ended, usedSpare: spare != nil,
                hidden: number < 0 ? -number : nil, kept: kept.map { -$0.number })
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
