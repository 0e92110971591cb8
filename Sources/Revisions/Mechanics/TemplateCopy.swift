import Foundation

/// A copy under way, reported a few times a second while it takes more than a moment.
public struct CopyProgress: Sendable, Equatable {
    public let source: String
    public let target: String
    /// Bytes written so far, where the server's files can be read (the embedded cluster's).
    public let done: Int64?
    public let total: Int64
    public let elapsed: Duration
}

/// What a finished copy did, for `-v`.
public struct CopyReport: Codable, Sendable, Equatable {
    public let source: String
    public let target: String
    public let strategy: CopyStrategy
    public let reason: String
    public let size: Int64
    public let seconds: Double
}

extension Repository {
    /// `CREATE DATABASE target TEMPLATE source` with the faster strategy, after checking that the
    /// disk has room; reports progress while it runs. A frozen copy accepts no connections and is
    /// a template, so nobody can change it and copying from it is never blocked.
    ///
    /// A `background` copy (a spare's) that cannot clone goes through the WAL: a command the user
    /// types cancels it at once, where a cancelled `FILE_COPY` first waits for the disk to finish
    /// writing what it had sent (0.8–1.7 s at pgbench scale 100 here), and it never forces the
    /// cluster's dirty buffers out with a checkpoint under the user's feet.
    @discardableResult
    func copy(from source: String, to target: String, frozen: Bool, reserve: Int64 = 0, background: Bool = false) throws
        -> CopyReport
    {
        try guardedCopy(from: source, to: target, frozen: frozen, reserve: reserve, background: background).report
    }

    /// The copy, and the sessions that arrived on the working database after its sessions were
    /// ended and before the copy held its lock, which a guard ended (see `Fence`): a copy of the
    /// working database never closes it, new connections wait for the copy's lock instead.
    func guardedCopy(from source: String, to target: String, frozen: Bool, reserve: Int64 = 0, background: Bool = false)
        throws -> (report: CopyReport, ended: [Session])
    {
        let size = try connection.databaseSize(source)
        // The heuristic asks the server how much a checkpoint would write: only when no clone.
        let (strategy, reason) = try cloneIfPossible {
            if let chosen = options.strategy { return (chosen, "chosen by the user") }
            if background { return (.walLog, "a background copy, which a command typed meanwhile cancels at once") }
            return CopyStrategy.choose(size: size, pendingCheckpoint: control.pendingCheckpointBytes())
        }
        let storage = control.storage()
        let needed = try spaceNeeded(copying: size, strategy: strategy, reserve: reserve, into: target, on: storage)
        if let free = storage.freeBytes(), free < needed {
            throw OdbError.notEnoughSpace(
                copying: source, needed: needed, free: free, path: storage.dataDirectory, odbHolds: connection.odbMadeSize())
        }
        let before = storage.databaseFolders()
        let start = ContinuousClock.now
        let statement: SQL = """
            CREATE DATABASE \(identifier: target) TEMPLATE \(identifier: source) STRATEGY \(unsafeRaw: strategy.keyword) \
            ALLOW_CONNECTIONS false IS_TEMPLATE \(unsafeRaw: frozen ? "true" : "false")
            """
        var reported = start
        func run(looking look: () -> Void) throws {
            try connection.query(statement, every: SessionGuard.interval) {
                look()
                guard ContinuousClock.now - reported >= .milliseconds(200) else { return }
                reported = ContinuousClock.now
                events(
                    .copying(
                        CopyProgress(
                            source: source, target: target, done: storage.bytesWritten(since: before), total: size,
                            elapsed: ContinuousClock.now - start)))
            }
        }
        var ended: [Session] = []
        do {
            if source == database {
                ended = try control.guarding(database, terminate: options.terminate) { sessionGuard in
                    try run(looking: sessionGuard.look)
                }.1
            } else {
                // A revision being read: the reader gives way (see `reading`).
                try control.endReaders(of: source)
                try run {}
            }
        } catch let error as PostgresError where strategy == .clone && Self.isCloneFailure(error) {
            return try withoutClone(after: error) {
                try guardedCopy(from: source, to: target, frozen: frozen, reserve: reserve, background: background)
            }
        } catch let error as PostgresError {
            switch error.sqlState {
            case .insufficientPrivilege?:
                throw OdbError.notPermitted(.createDatabase(target), reason: error.message)
            case .duplicateDatabase?:
                // Made by someone else since odb looked (another control database tracking the
                // same database, say): never odb's to drop.
                throw OdbError.nameTaken(database: target)
            case .objectInUse? where source == database:
                throw OdbError.connectionsOpen(database: source, sessions: (try? connection.sessions(on: source)) ?? [])
            case .objectInUse?:
                throw OdbError.revisionInUse(database: source, detail: error.detail ?? error.message)
            case .diskFull?:
                throw OdbError.notEnoughSpace(
                    copying: source, needed: needed, free: 0, path: storage.dataDirectory, odbHolds: connection.odbMadeSize())
            default:
                throw OdbError(error) ?? OdbError.copyFailed(source: source, target: target, error: error)
            }
        }
        if strategy == .clone { cloneWorked() }
        let report = CopyReport(
            source: source, target: target, strategy: strategy, reason: reason, size: size,
            seconds: (ContinuousClock.now - start).seconds)
        events(.copied(report))
        return (report, ended)
    }
}

extension Repository {
    /// What a copy of `size` bytes needs free before it starts: the copy itself (twice with
    /// WAL_LOG, which also writes it to the WAL until a checkpoint recycles it), what the caller
    /// reserves, what the other copies under way have still to write, and a margin (a twentieth
    /// of the disk, at least 64 MB) so that no copy ever brings the server's disk near zero, where
    /// even a checkpoint fails.
    func spaceNeeded(
        copying size: Int64, strategy: CopyStrategy, reserve: Int64, into target: String, on storage: ServerStorage
    ) throws -> Int64 {
        guard storage.dataDirectory != nil else { return 0 }
        let others = try Journal.bytesStillToCopy(excluding: target, on: connection)
        let margin = max(64 << 20, (storage.totalBytes() ?? 0) / 20)
        // A clone shares its blocks until they are written.
        return size * (strategy == .walLog ? 2 : strategy == .clone ? 0 : 1) + reserve + others + margin
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
