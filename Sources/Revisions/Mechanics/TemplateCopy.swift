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
    @discardableResult
    func copy(from source: String, to target: String, frozen: Bool, reserve: Int64 = 0) throws -> CopyReport {
        try guardedCopy(from: source, to: target, frozen: frozen, reserve: reserve).report
    }

    /// The copy, and the sessions that arrived on the working database after its sessions were
    /// ended and before the copy held its lock, which a guard ended (see `Fence`): a copy of the
    /// working database never closes it, new connections wait for the copy's lock instead.
    func guardedCopy(from source: String, to target: String, frozen: Bool, reserve: Int64 = 0) throws -> (
        report: CopyReport, ended: [Session]
    ) {
        let size = try connection.databaseSize(source)
        let (strategy, reason) =
            options.strategy.map { ($0, "chosen by the user") }
            ?? CopyStrategy.choose(size: size, pendingCheckpoint: control.pendingCheckpointBytes())
        let storage = control.storage()
        // WAL_LOG also writes the whole database to the WAL until the next checkpoint recycles it.
        let needed = size * (strategy == .walLog ? 2 : 1) + reserve + (64 << 20)
        if let free = storage.freeBytes(), free < needed {
            throw OdbError.notEnoughSpace(copying: source, needed: needed, free: free, path: storage.dataDirectory)
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
                try run {}
            }
        } catch let error as PostgresError {
            switch error.sqlState {
            case .insufficientPrivilege?:
                throw OdbError.notPermitted(.createDatabase(target), reason: error.message)
            case .objectInUse? where source == database:
                throw OdbError.connectionsOpen(database: source, sessions: (try? connection.sessions(on: source)) ?? [])
            case .objectInUse?:
                throw OdbError.revisionInUse(database: source, detail: error.detail ?? error.message)
            case .diskFull?:
                throw OdbError.notEnoughSpace(copying: source, needed: needed, free: 0, path: storage.dataDirectory)
            default:
                throw OdbError(error) ?? OdbError.copyFailed(source: source, target: target, error: error)
            }
        }
        let report = CopyReport(
            source: source, target: target, strategy: strategy, reason: reason, size: size,
            seconds: (ContinuousClock.now - start).seconds)
        events(.copied(report))
        return (report, ended)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
