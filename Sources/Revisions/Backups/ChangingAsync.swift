/// The lock every change runs under, for changes that wait on programs (pg_restore, hooks).
extension Repository {
    /// `changing(_:)` for an async body: odb's lock on this database, what an interrupted odb
    /// left finished or undone first, and the state as that left it.
    func changing<T>(waiting body: (TrackedDatabase.State) async throws -> T) async throws -> T {
        try control.lock(on: database, timeout: options.lockTimeout, events: events)
        defer { control.unlock(.database, on: database) }
        // As every change the user types: the background worker's copy gives way (see `Preemption`).
        if options.background { try preemptWorker(sparing: nil) }
        try finishInterrupted()
        return try await body(try state())
    }
}
