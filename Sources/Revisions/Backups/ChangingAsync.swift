/// The lock every change runs under, for changes that wait on programs (pg_restore, hooks).
extension Repository {
    /// `changing(_:)` for an async body: odb's lock on this database, what an interrupted odb
    /// left finished or undone first, and the state as that left it.
    func changing<T>(waiting body: (TrackedDatabase.State) async throws -> T) async throws -> T {
        try control.lock(on: database, timeout: options.lockTimeout, events: events)
        defer { control.unlock(.database, on: database) }
        try finishInterrupted()
        return try await body(try state())
    }
}

extension ControlDatabase {
    /// Takes odb's lock on one tracked database, waiting up to `timeout` for another odb; the
    /// caller releases it with `unlock(.database, on:)`.
    func lock(on database: String, timeout: Duration, events: (Event) -> Void) throws {
        if try tryLock(.database, on: database) { return }
        let holder = try lockHolder(.database, on: database)
        events(.waitingForLock(database: database, holder: holder))
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        do {
            try connection.transaction {
                try connection.query("SELECT set_config('lock_timeout', \(String(milliseconds)), true)")
                try connection.query("SELECT pg_advisory_lock(\(LockClass.database.rawValue), hashtext(\(database)))")
            }
        } catch SQLState.lockNotAvailable {
            throw OdbError.busy(database: database, holder: holder)
        }
    }
}
