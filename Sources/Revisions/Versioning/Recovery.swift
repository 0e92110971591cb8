/// Finishing or undoing what an interrupted odb left: the working database exists afterwards,
/// whole, connections are allowed again as they were, and no half-made database is left.
///
/// Three ways in: every command starts with `recoverAbandoned()`, which never waits; every change
/// starts with `finishInterrupted()`, under its lock; `odb recover` runs `recover()`, which also
/// drops the leftover databases and removes the leftover folders a crash left (`LeftoverFolders`).
extension Repository {
    /// Repairs what an odb that is gone left, if no odb is at work on this database: one query
    /// when there is nothing to do, and it never waits for an odb that is still working. Fails
    /// when the database is not tracked.
    @discardableResult
    public func recoverAbandoned() throws -> Recovered? { try recoverAbandonedNoticingSpares().recovered }

    /// `recoverAbandoned()`, also saying whether a background worker was killed while it built a
    /// spare, from the same query: then nothing would build it again until the next change, so
    /// a command that finds this starts a worker.
    public func recoverAbandonedNoticingSpares() throws -> (recovered: Recovered?, spareBuildAbandoned: Bool) {
        let row = try connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM odb.databases WHERE name = \(database)) AS tracked,
                   EXISTS (SELECT 1 FROM odb.operations WHERE database = \(database))
                   OR EXISTS (SELECT 1 FROM odb.spares WHERE database = \(database) AND NOT ready) AS pending,
                   EXISTS (SELECT 1 FROM odb.spares s WHERE s.database = \(database)
                           AND \(SpareRecords.abandoned(of: database))) AS spare_abandoned,
                   EXISTS (SELECT 1 FROM odb.unfrozen) AS unfrozen
            """
        ).first
        guard let row, try row.bool("tracked") else { throw OdbError.notTracked(database: database) }
        let spareBuildAbandoned = try row.bool("spare_abandoned")
        if try row.bool("unfrozen") { try refreezeAbandoned() }
        guard try row.bool("pending"), try control.tryLock(.database, on: database) else { return (nil, spareBuildAbandoned) }
        defer { control.unlock(.database, on: database) }
        return (try finishInterrupted(), spareBuildAbandoned)
    }

    /// `odb recover`: waits for any odb at work, finishes or undoes what an interrupted one left,
    /// drops the databases waiting to be dropped, and removes the server's leftover folders.
    public func recover() throws -> RecoveryReport {
        let recovered = try changing { _ in try finishInterrupted() }
        try refreezeAbandoned()
        let dropped = try dropDiscarded()
        let folders = try control.removeLeftoverFolders()
        return RecoveryReport(
            recovered: recovered, dropped: dropped, removedFolders: folders.removed, notPermitted: folders.notPermitted)
    }

    /// Under the lock: discards spares a dead worker left half-built, then finishes or undoes the
    /// journal's operation, each kind by the code that owns it.
    @discardableResult
    func finishInterrupted() throws -> Recovered? {
        try spareRecords.discardAbandoned()
        guard let entry = try journal.entry() else { return nil }
        let outcome: Recovered.Outcome
        switch entry.kind {
        case .initialize:
            outcome = try recoverInit()
        case .migrate:
            // Reported, not undone: the migration's own recovery says what is left (see there).
            return try recoverMigration(entry)
        case .restore, .pull:
            try rollBackRestore(entry)
            outcome = .rolledBack
        case .commit, .revert, .swap:
            try rollBack(entry)
            outcome = .rolledBack
        }
        let recovered = Recovered(operation: entry.kind.operation, number: entry.number, outcome: outcome)
        events(.recovered(database: database, recovered))
        return recovered
    }
}

/// An interrupted operation that odb finished or undid.
public struct Recovered: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case completed
        case rolledBack = "rolled back"
        /// A migration: nothing undone, its state reported (see `recoverMigration(_:)`).
        case reported = "stopped where it was"
    }

    /// init, commit, revert, restore or migrate.
    public let operation: String
    /// The revision it was about (0 for init).
    public let number: Int
    public let outcome: Outcome
}

/// What `odb recover` did.
public struct RecoveryReport: Codable, Sendable, Equatable {
    public let recovered: Recovered?
    /// The leftover databases it dropped.
    public let dropped: [String]
    /// The leftover folders it removed from the server's disk.
    public var removedFolders: [LeftoverFolder] = []
    /// The leftover folders this system user may not remove: root or their owner may.
    public var notPermitted: [LeftoverFolder] = []

    /// The bytes removing the folders freed.
    public var freed: Int64 { removedFolders.reduce(0) { $0 + $1.size } }

    enum CodingKeys: CodingKey { case recovered, dropped, removedFolders, notPermitted }
    private enum Totals: CodingKey { case freed }

    /// `recovered` is `null` when there was nothing to recover, never a missing key; `freed` is
    /// said too.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(recovered, forKey: .recovered)
        try container.encode(dropped, forKey: .dropped)
        try container.encode(removedFolders, forKey: .removedFolders)
        try container.encode(notPermitted, forKey: .notPermitted)
        var totals = encoder.container(keyedBy: Totals.self)
        try totals.encode(freed, forKey: .freed)
    }
}
