/// What a maintenance pass did.
public struct MaintenanceReport: Codable, Sendable, Equatable {
    /// False when another worker was already at it (that one finishes the work).
    public var ran = true
    public var built: [Int] = []
    /// Restored revisions loaded from their dumps (`PendingRevisions`), and those that failed.
    public var loaded: [Int] = []
    public var failedLoads: [LoadFailure] = []
    public var dropped: [String] = []
    public var skipped: String?
}

/// A restored revision the worker could not load from its dump, and why (as odb says an error).
public struct LoadFailure: Codable, Sendable, Equatable {
    public let number: Int
    public let reason: String
}

/// The background work after commits and reverts: dropping what was replaced, and building and
/// dropping spares to match the policy.
extension Repository {
    /// Whether a maintenance pass has anything to do. A discarded database that logical
    /// replication keeps is not: it waits for the user (and the next pass) rather than a loop.
    func maintenanceDue(loading tried: Set<Int>?) throws -> Bool {
        if try discarded.names().contains(where: { try connection.replication(of: $0).isEmpty }) { return true }
        if let tried, try pendingRevisions.due(besides: tried) { return true }
        let spares = try spareRecords.all()
        if spares.contains(where: { !$0.ready }) { return true }
        return Set(try wantedSpares().map(\.number)) != Set(spares.map(\.number))
    }

    /// Drops replaced working databases, loads the revisions restores left pending (given a
    /// `loader`), then builds and drops spares until they match the policy. Returns at once when
    /// another worker holds the maintenance lock; that worker looks again for work after
    /// releasing it, so no request is lost.
    public func maintain(loading loader: PendingLoader? = nil) async throws -> MaintenanceReport {
        var report = MaintenanceReport()
        var tried: Set<Int> = []
        while true {
            guard try control.tryLock(.maintenance, on: database) else {
                report.ran = !report.built.isEmpty || !report.dropped.isEmpty
                return report
            }
            do {
                if let loader {
                    report.dropped += try dropDiscarded()
                    let (loaded, failed) = try await loadPendingRevisions(loader, tried: &tried)
                    report.loaded += loaded
                    report.failedLoads += failed
                }
                try maintenancePass(&report)
            } catch {
                control.unlock(.maintenance, on: database)
                throw error
            }
            control.unlock(.maintenance, on: database)
            if report.skipped == Self.preempted {
                // The command that cancelled the copy holds the database's lock while it works:
                // once it is done, build again (unless the worker it started is at it by then).
                try control.lock(on: database, timeout: options.lockTimeout) { _ in }
                control.unlock(.database, on: database)
                report.skipped = nil
                continue
            }
            if try report.skipped != nil || !maintenanceDue(loading: loader == nil ? nil : tried) { return report }
        }
    }

    static let preempted = "preempted by a command"

    private func maintenancePass(_ report: inout MaintenanceReport) throws {
        report.dropped += try dropDiscarded()
        // Holding the maintenance lock, no build is under way: an unready spare is one a killed
        // worker left.
        for spare in try spareRecords.all() where !spare.ready {
            try dropSpare(number: spare.number, name: spare.database)
        }
        while let next = try claimNextSpare(&report) {
            try reached(.spareClaimed)
            do {
                try build(next.name, of: next.number, from: next.source)
            } catch OdbError.copyFailed(_, _, let error) where error.isPreemption {
                // A command preempted this copy; it starts a worker again once it is done.
                _ = try? dropSpare(number: next.number, name: next.name)
                report.skipped = Self.preempted
                return
            } catch {
                if case OdbError.interrupted = OdbError.from(error) { throw error }
                _ = try? dropSpare(number: next.number, name: next.name)
                try? tracking.recordSpareFailure(SpareFailure(number: next.number, error: error))
                guard let skipped = error as? OdbError, case .notEnoughSpace = skipped else { throw error }
                report.skipped = "not enough disk space"
                events(.skippedSpare(number: next.number, reason: skipped))
                return
            }
            try tracking.recordSpareFailure(nil)
            report.built.append(next.number)
        }
    }

    /// Under the repository lock: drops the spares no longer wanted, and claims the best revision
    /// still without one; nil when the spares match the policy.
    private func claimNextSpare(_ report: inout MaintenanceReport) throws -> (number: Int, source: String, name: String)? {
        try changing { _ in
            let wanted = try wantedSpares()
            let have = try spareRecords.all()
            for spare in have where !wanted.contains(where: { $0.number == spare.number }) {
                if try dropSpare(number: spare.number, name: spare.database) { report.dropped.append(spare.database) }
            }
            guard let missing = wanted.first(where: { want in !have.contains { $0.number == want.number } }) else {
                return nil
            }
            let name = Names.spareDatabase(database, number: missing.number)
            if try databaseExists(name) { throw OdbError.nameTaken(database: name) }
            try spareRecords.claim(missing.number, as: name)
            return (missing.number, missing.source, name)
        }
    }

    /// Copies a revision into its spare (leaving a tenth of the disk free), then marks it ready,
    /// unless the revision went away meanwhile. The spare gets its revision's owner, grants and
    /// settings only when it is swapped in, so that a hidden copy never keeps a role alive that
    /// the working database no longer names (a DBA's `DROP ROLE` would fail on it).
    private func build(_ name: String, of number: Int, from source: String) throws {
        let reserve = control.storage().totalBytes().map { $0 / 10 } ?? 0
        // A revision is frozen, so the copy's size is the size measured before it.
        let size = try copy(from: source, to: name, frozen: false, reserve: reserve, background: true).size
        try reached(.spareCopied)
        // Not under the repository lock: a revert may be holding it while it waits for this spare.
        // A purge that dropped the revision meanwhile also deleted the row: then the copy is listed
        // as discarded before it is dropped, like any other.
        if try spareRecords.markReady(name, size: size) {
            events(.builtSpare(number: number, database: name))
        } else {
            try discarded.add(name)
            try dropDiscarded(name)
        }
    }

    /// Forgets a spare and drops it: moved to the discarded list first, in one statement, so
    /// that no spare row ever names a database that is gone. True when this odb dropped it.
    @discardableResult
    func dropSpare(number: Int, name: String) throws -> Bool {
        try spareRecords.discard(named: name)
        guard try dropDiscarded(name) else { return false }
        events(.droppedSpare(number: number, database: name))
        return true
    }
}
