/// An odb that was killed during a migration (its `migrate` journal entry is still there when
/// the next odb takes the lock).
///
/// Nothing is undone by itself: the patch that was running was either transactional, and the
/// server rolled it back with the lost session, or concurrent, and its tracking row without an end
/// time stays in the database for `odb migrate` to refuse on. So recovery reports the state (which
/// patch was running, the guard revision to go back to) and forgets the entry; `odb migrate`
/// then resumes after the committed patches or refuses with the command that reverts.
extension Repository {
    func recoverMigration(_ entry: Journal.Entry) throws -> Recovered {
        try journal.clear()
        events(
            .migrationInterrupted(database: database, patch: entry.made, guardRevision: entry.number == 0 ? nil : entry.number))
        return Recovered(operation: entry.kind.operation, number: entry.number, outcome: .reported)
    }
}
