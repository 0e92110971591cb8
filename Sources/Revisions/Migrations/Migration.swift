import Foundation

/// Applying numbered SQL patches, as lazr.postgresql does, under a guard revision: odb commits
/// the database before the first patch and, if a patch fails, reverts to it with the fenced swap.
///
/// The whole migration runs under odb's lock on the database, so a second migrator (or any other
/// change) waits, then gives up after the repository's lock timeout. While patches run, the
/// journal holds a `migrate` entry naming the running patch and the guard revision; killed there,
/// the next odb command says so (see `recoverMigration(_:)`), and `odb migrate` resumes after
/// the patches the tracking table says were committed.
extension Repository {
    public func migrate(_ request: MigrationRequest) throws -> MigrationOutcome {
        let patches = try PatchFolder.patches(in: request.folder)
        return try control.withLock(on: database, timeout: options.lockTimeout, events: events) {
            try finishInterrupted()
            let state = try state()
            let plan = try self.plan(patches, request)
            let (chosen, statements, contents) = (plan.chosen, plan.statements, plan.contents)
            if chosen.isEmpty || request.dryRun {
                return try dryRun(
                    chosen, statements: statements, contents: contents, on: try openWorking(request.conninfo),
                    request: request, remaining: plan.remaining, accepted: plan.accepted)
            }

            var working: Connection? = nil
            var guardRevision: Int?
            // The plan's session is closed: the guard's commit fences the database.
            if request.guarded { guardRevision = try commit(message: Self.guardMessage(chosen)).committed }
            working = try openWorking(request.conninfo)
            let entry = Journal.Entry(
                kind: .migrate, number: guardRevision ?? 0, made: chosen[0].file, replaced: nil, allowConnections: true)
            try journal.record(entry)
            do {
                return try applyAll(
                    plan, guardRevision: guardRevision, protected: state.protected, working: &working)
            } catch {
                // Stopped by a signal, odb says so itself: a transactional patch was rolled back, and
                // a concurrent one's unfinished row stays for `odb migrate` to refuse on.
                if case OdbError.interrupted = OdbError.from(error) { try? journal.clear() }
                throw error
            }
        }
    }

    /// The patches one after the other, the journal naming the one running.
    private func applyAll(_ plan: Plan, guardRevision: Int?, protected: Bool, working: inout Connection?) throws
        -> MigrationOutcome
    {
        let (chosen, statements, contents) = (plan.chosen, plan.statements, plan.contents)
        try reached(.migrateJournaled)
        var done: [AppliedPatch] = []
        for (patch, statements) in zip(chosen, statements) {
            if patch != chosen[0] {
                try connection.transaction {
                    try journal.clear()
                    try journal.record(
                        Journal.Entry(
                            kind: .migrate, number: guardRevision ?? 0, made: patch.file, replaced: nil,
                            allowConnections: true))
                }
            }
            let started = ContinuousClock.now
            do {
                try apply(
                    patch, statements, sha256: contents[patch.number]!.sha256, guardRevision: guardRevision,
                    on: TrackingTable(connection: working!))
            } catch let failure as StatementFailure {
                let invalid =
                    patch.type.transactional ? [] : ((try? TrackingTable(connection: working!).invalidIndexes()) ?? [])
                working = nil
                let undo = try undoFailed(done.map(\.file), guardRevision: guardRevision, protected: protected)
                throw OdbError.patchFailed(
                    PatchFailure(
                        file: patch.file, line: failure.line, message: failure.error.description,
                        sqlState: failure.error.sqlState?.rawValue, undo: undo, invalidIndexes: invalid))
            }
            let elapsed = ContinuousClock.now - started
            done.append(AppliedPatch(file: patch.file, type: patch.type, seconds: Self.seconds(elapsed)))
        }
        try journal.clear()
        return MigrationOutcome(
            database: database, dryRun: false, guardRevision: guardRevision, applied: done, listed: [],
            remaining: plan.remaining, accepted: plan.accepted)
    }

    /// What a run will apply, read from the folder and the tracking table, every patch parsed.
    struct Plan {
        var chosen: [Patch]
        var statements: [[Statement]]
        var contents: [PatchNumber: (bytes: [UInt8], sha256: String)]
        var remaining: [String]
        var accepted: [String]
    }

    /// Reads the tracking table through a session of its own, closed when it returns.
    private func plan(_ patches: [Patch], _ request: MigrationRequest) throws -> Plan {
        let table = TrackingTable(connection: try openWorking(request.conninfo))
        let rows = try table.rows()
        try refuseUnfinished(rows, table: table)
        let contents = try Dictionary(uniqueKeysWithValues: patches.map { ($0.number, try $0.contents()) })
        let accepted = try checkChanged(rows, patches: patches, contents: contents, accept: request.acceptChanged, table: table)
        let applied = Set(rows.map(\.number))
        let pending = patches.filter { !applied.contains($0.number) }
        let chosen = Self.select(pending, request)
        // Every chosen patch is parsed before any runs: a syntax error refuses the whole run.
        let statements = try chosen.map { try StatementSplitter.split(contents[$0.number]!.bytes, file: $0.file) }
        return Plan(
            chosen: chosen, statements: statements, contents: contents,
            remaining: pending.filter { !chosen.contains($0) }.map(\.file), accepted: accepted)
    }

    /// A statement of a patch that the server refused, and its line in the file.
    struct StatementFailure: Error {
        let line: Int
        let error: PostgresError
    }

    /// Runs one patch: a transactional one in one transaction with its tracking row; a concurrent
    /// one outside any, its tracking row committed first and its end time after the last statement.
    func apply(_ patch: Patch, _ statements: [Statement], sha256: String, guardRevision: Int?, on table: TrackingTable) throws {
        let working = table.connection
        if patch.type.transactional {
            try working.transaction {
                try table.ensure()
                try table.start(patch, sha256: sha256, appliedBy: Self.author, guardRevision: guardRevision)
                try run(statements, on: working)
                try reached(.migrateApplied)
                try table.end(patch)
            }
        } else {
            try working.transaction {
                try table.ensure()
                try table.start(patch, sha256: sha256, appliedBy: Self.author, guardRevision: guardRevision)
            }
            for (index, statement) in statements.enumerated() {
                try run([statement], on: working)
                if index < statements.count - 1 { try reached(.migrateStatement) }
            }
            try table.end(patch)
        }
    }

    /// Runs statements one at a time, so that a failure names its line; a lost connection or a
    /// signal is odb's own error, not the patch's.
    private func run(_ statements: [Statement], on working: Connection) throws {
        for statement in statements {
            do {
                try working.query("\(unsafeRaw: statement.text)")
            } catch let error as PostgresError {
                if let own = OdbError(error) { throw own }
                throw StatementFailure(line: statement.line, error: error)
            }
        }
    }

    /// After a failed patch: back to the guard revision, unless there is none or the database is
    /// protected. The journal entry goes first: the revert is an operation of its own.
    private func undoFailed(_ done: [String], guardRevision: Int?, protected: Bool) throws -> PatchUndo {
        try journal.clear()
        guard let guardRevision else { return .unguarded(applied: done) }
        if protected { return .protected(guardRevision: guardRevision, applied: done) }
        do {
            // The replaced state is the guard and the patches: nothing of the user's to keep.
            _ = try revert(to: .number(guardRevision), keeping: false)
        } catch {
            if case OdbError.interrupted = OdbError.from(error) { throw OdbError.from(error) }
            return .revertFailed(guardRevision: guardRevision, applied: done, reason: String(describing: OdbError.from(error)))
        }
        return .reverted(guardRevision: guardRevision, undone: done)
    }

    /// A dry run (or a run with nothing to do): the transactional patches in one transaction that
    /// is rolled back, the concurrent ones listed.
    private func dryRun(
        _ chosen: [Patch], statements: [[Statement]], contents: [PatchNumber: (bytes: [UInt8], sha256: String)],
        on working: Connection, request: MigrationRequest, remaining: [String], accepted: [String]
    ) throws -> MigrationOutcome {
        var ran: [AppliedPatch] = []
        var listed: [AppliedPatch] = []
        if !chosen.isEmpty {
            let table = TrackingTable(connection: working)
            try working.query("BEGIN")
            defer { _ = try? working.query("ROLLBACK") }
            try table.ensure()
            for (patch, statements) in zip(chosen, statements) {
                guard patch.type.transactional else {
                    listed.append(AppliedPatch(file: patch.file, type: patch.type, seconds: nil))
                    continue
                }
                let started = ContinuousClock.now
                do {
                    try table.start(patch, sha256: contents[patch.number]!.sha256, appliedBy: Self.author, guardRevision: nil)
                    try run(statements, on: working)
                    try table.end(patch)
                } catch let failure as StatementFailure {
                    throw OdbError.patchFailed(
                        PatchFailure(
                            file: patch.file, line: failure.line, message: failure.error.description,
                            sqlState: failure.error.sqlState?.rawValue, undo: .dryRun, invalidIndexes: []))
                }
                ran.append(AppliedPatch(file: patch.file, type: patch.type, seconds: Self.seconds(ContinuousClock.now - started)))
            }
        }
        return MigrationOutcome(
            database: database, dryRun: request.dryRun, guardRevision: nil, applied: ran, listed: listed,
            remaining: remaining, accepted: accepted)
    }

    /// A concurrent patch that did not run to its end refuses the migration: its half-done work
    /// (an invalid index) needs a person.
    private func refuseUnfinished(_ rows: [TrackingTable.Row], table: TrackingTable) throws {
        guard let unfinished = rows.first(where: { $0.end == nil }) else { return }
        throw OdbError.migrationUnfinished(
            file: unfinished.file, guardRevision: unfinished.guardRevision, invalidIndexes: try table.invalidIndexes())
    }

    /// Applied patches whose files changed since: refused, or recorded anew with `accept`.
    private func checkChanged(
        _ rows: [TrackingTable.Row], patches: [Patch], contents: [PatchNumber: (bytes: [UInt8], sha256: String)],
        accept: Bool, table: TrackingTable
    ) throws -> [String] {
        let changed = rows.compactMap { row -> (TrackingTable.Row, String)? in
            guard let now = contents[row.number]?.sha256, now != row.sha256 else { return nil }
            return (row, now)
        }
        guard !changed.isEmpty else { return [] }
        guard accept else { throw OdbError.patchesChanged(files: changed.map { $0.0.file }) }
        for (row, sha256) in changed {
            try table.connection.query(
                """
                UPDATE odb.patches SET sha256 = \(sha256)
                WHERE major = \(row.number.major) AND minor = \(row.number.minor) AND patch = \(row.number.point)
                """)
        }
        return changed.map { $0.0.file }
    }

    func openWorking(_ conninfo: String) throws -> Connection {
        let working: Connection
        do {
            working = try Connection(conninfo: conninfo, database: database)
        } catch let error as PostgresError {
            throw OdbError.cannotConnect(server: control.server.display, reason: error.message)
        }
        try working.limitAbandonedStatements()
        return working
    }

    /// Which pending patches a run applies.
    static func select(_ pending: [Patch], _ request: MigrationRequest) -> [Patch] {
        let typed = pending.filter { request.type == nil || $0.type == request.type }
        switch request.selection {
        case .all: return typed
        case .one: return Array(typed.prefix(1))
        case .group:
            guard let first = typed.first else { return [] }
            return Array(typed.prefix { $0.type.group == first.type.group })
        }
    }

    /// "before migrate: patch-2-10-0 … patch-2-11-3".
    static func guardMessage(_ patches: [Patch]) -> String {
        let names = patches.map { "patch-\($0.number)" }
        return "before migrate: " + (names.count == 1 ? names[0] : "\(names[0]) … \(names[names.count - 1])")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
