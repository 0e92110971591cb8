import Foundation

/// What the background worker needs to load a restore's revision from its dump: how pg_restore
/// reaches the server, where the programs are, the environment a store is opened with (rclone's
/// credentials), and how an error reads for the commands that later say why a load failed.
public struct PendingLoader: Sendable {
    let access: ServerAccess
    let programs: PostgresPrograms
    let environment: [String: String]
    let describe: @Sendable (any Error) -> String

    public init(
        access: ServerAccess, programs: PostgresPrograms, environment: [String: String],
        describe: @escaping @Sendable (any Error) -> String
    ) {
        self.access = access
        self.programs = programs
        self.environment = environment
        self.describe = describe
    }
}

/// Loading the revisions a restore left pending (see `PendingRevisions`), and waiting for them.
extension Repository {
    /// Under the maintenance lock, off the database's lock (no command waits for it): loads each
    /// pending revision's dump, checked against its manifest, into the revision's database,
    /// freezes it, and records it in one transaction. Holding the maintenance lock, no other load
    /// runs: a database by that name is what a killed load left, dropped first. A load that fails
    /// is recorded (`revert` and the others say why) and tried again by the next worker, not by
    /// this one; its partial database is dropped. `tried` are those this worker already tried.
    func loadPendingRevisions(_ loader: PendingLoader, tried: inout Set<Int>) async throws -> (
        loaded: [Int], failed: [LoadFailure]
    ) {
        var (loaded, failed): ([Int], [LoadFailure]) = ([], [])
        for pending in try pendingRevisions.all() where !tried.contains(pending.number) {
            let name = Names.revisionDatabase(database, number: pending.number)
            tried.insert(pending.number)
            do {
                try drop(name)
                let store = try StorageLocation.store(pending.store, root: "/", environment: loader.environment)
                try createEmpty(name, like: database)
                let request = RestoreRequest(
                    source: .dump(pending.manifest.key), store: store, ignoreErrors: pending.ignoreErrors,
                    keepOwners: pending.keepOwners)
                _ = try await load(
                    pending.manifest, into: name, request: request, access: loader.access, programs: loader.programs)
                try reached(.pendingLoaded)
                try connection.query("ALTER DATABASE \(identifier: name) WITH ALLOW_CONNECTIONS false IS_TEMPLATE true")
                let size = try connection.databaseSize(name)
                if try connection.transaction({ try pendingRevisions.finish(pending.number, as: name, size: size) }) {
                    events(.loadedRevision(number: pending.number, key: pending.manifest.key))
                    loaded.append(pending.number)
                } else {
                    // Purged or untracked while it loaded.
                    try discarded.add(name)
                    try dropDiscarded(name)
                }
            } catch let error as PostgresError where error.isPreemption {
                // A command cancelled the CREATE DATABASE (see `preemptWorker`); the worker it
                // starts loads it.
                try? drop(name)
            } catch {
                if case OdbError.interrupted = OdbError.from(error) { throw error }
                if case OdbError.connectionLost = OdbError.from(error) { throw error }
                try? drop(name)
                let failure = LoadFailure(number: pending.number, reason: loader.describe(error))
                try pendingRevisions.recordFailure(failure.number, failure.reason)
                failed.append(failure)
            }
        }
        return (loaded, failed)
    }

    /// For a command that needs revision `number` while its database is pending: waits for the
    /// worker's load, up to `deadline`, and returns the database's name; nil when the revision
    /// is not pending (purged). Throws when no worker is at it (none showed up within a few
    /// seconds, as one a restore started a moment ago does) or its last load failed.
    func awaitPendingLoad(_ number: Int, deadline: Duration = .seconds(600)) throws -> String? {
        let start = ContinuousClock.now
        var announced = false
        while let pending = try pendingRevisions.pending(number) {
            let working = try control.lockHolder(.maintenance, on: database) != nil
            let elapsed = ContinuousClock.now - start
            if pending.failure != nil && !working || !working && elapsed > .seconds(5) || elapsed > deadline {
                throw OdbError.revisionNotLoaded(number: number, key: pending.manifest.key, failure: pending.failure)
            }
            if working && !announced {
                events(.waitingForLoad(number: number, key: pending.manifest.key, timeout: deadline))
                announced = true
            }
            try Interruption.shared.checkpoint()
            usleep(50_000)
        }
        return try records.record(number)?.dbname
    }
}
