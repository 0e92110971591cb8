import Foundation

/// A ready copy of a revision, with its owner, grants and settings already restored, kept so that
/// a revert to that revision is a rename swap rather than a copy.
///
/// Spares are built by `maintain()`, which odb runs in a background process after each commit and
/// revert. One advisory lock lets one worker at a time tidy a database; the repository lock guards
/// the moments when a spare becomes ready or is dropped, so a revert never uses a spare that is
/// going away. A spare never holds user data: losing one loses nothing, and a revert without one
/// copies as before.
public struct Spare: Codable, Sendable, Equatable {
    public let number: Int
    public let database: String
    public let ready: Bool
    public let size: Int64?
}

/// How many spares a database keeps, and the ones it has.
public struct SparePolicy: Codable, Sendable, Equatable {
    public let database: String
    /// How many revisions get a spare: the working database's parent first, then tagged revisions,
    /// then the newest. 0 turns spares off.
    public let keep: Int
    public let spares: [Spare]
}

/// What a maintenance pass did.
public struct MaintenanceReport: Codable, Sendable, Equatable {
    /// False when another worker was already at it (that one finishes the work).
    public var ran = true
    public var built: [Int] = []
    public var dropped: [String] = []
    public var skipped: String?
}

extension Repository {
    /// The spare of revision `number`, when one is ready to be swapped in.
    func readySpare(_ number: Int) throws -> String? {
        try connection.query(
            """
            SELECT s.dbname FROM odb.spares s JOIN pg_database p ON p.datname = s.dbname
            WHERE s.database = \(database) AND s.number = \(number) AND s.ready
            """
        ).first?["dbname"]
    }

    /// The spare of revision `number` once a worker building it now has finished: waiting for the
    /// rest of a build is never slower than a copy of one's own. Nil when there is no build under
    /// way, or its worker went away.
    func awaitSpare(_ number: Int) throws -> String? {
        var announced = false
        while true {
            guard
                let row = try connection.query(
                    """
                    SELECT s.dbname, s.ready, EXISTS (
                        SELECT 1 FROM pg_locks l WHERE \(ControlDatabase.held(ControlDatabase.maintenanceLockClass, on: database))
                    ) AS building
                    FROM odb.spares s WHERE s.database = \(database) AND s.number = \(number)
                    """
                ).first
            else { return nil }
            if row.bool("ready") { return try readySpare(number) }
            guard row.bool("building") else { return nil }
            if !announced {
                events(.waitingForSpare(number: number))
                announced = true
            }
            usleep(20_000)
        }
    }

    public func sparePolicy() throws -> SparePolicy {
        let keep = try connection.query("SELECT spares FROM odb.databases WHERE name = \(database)").first?.int("spares") ?? 0
        let spares = try connection.query(
            "SELECT number, dbname, ready, size FROM odb.spares WHERE database = \(database) ORDER BY number DESC"
        ).map {
            Spare(
                number: $0.int("number"), database: $0.string("dbname"), ready: $0.bool("ready"),
                size: $0["size"].flatMap { Int64($0) })
        }
        return SparePolicy(database: database, keep: keep, spares: spares)
    }

    /// Sets how many spares to keep (0: none); `maintain()` builds or drops them to match.
    public func keepSpares(_ count: Int) async throws -> SparePolicy {
        guard count >= 0, count <= 100 else { throw OdbError.invalidSpareCount(count) }
        _ = try await control.withLock(on: database, timeout: options.lockTimeout, events: events) {
            try connection.query("UPDATE odb.databases SET spares = \(count) WHERE name = \(database)")
        }
        return try sparePolicy()
    }

    /// The revisions that should have a spare, best first, with their databases.
    private func wantedSpares() throws -> [(number: Int, source: String)] {
        try connection.query(
            """
            SELECT r.number, r.dbname FROM odb.revisions r
            JOIN odb.databases d ON d.name = r.database
            JOIN pg_database p ON p.datname = r.dbname
            WHERE r.database = \(database) AND NOT d.protected
            ORDER BY r.number = d.parent DESC,
                     EXISTS (SELECT 1 FROM odb.tags t WHERE t.database = r.database AND t.number = r.number) DESC,
                     r.number DESC
            LIMIT (SELECT spares FROM odb.databases WHERE name = \(database))
            """
        ).map { ($0.int("number"), $0.string("dbname")) }
    }

    /// Whether a maintenance pass has anything to do.
    func maintenanceDue() throws -> Bool {
        let pending =
            try connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM odb.discarded WHERE database = \(database))
                    OR EXISTS (SELECT 1 FROM odb.spares WHERE database = \(database) AND NOT ready) AS due
                """
            ).first?.bool("due") ?? false
        if pending { return true }
        let wanted = Set(try wantedSpares().map(\.number))
        let have = Set(try sparePolicy().spares.map(\.number))
        return wanted != have
    }

    /// Drops replaced working databases, then builds and drops spares until they match the policy.
    /// Returns at once when another worker holds the maintenance lock; that worker looks again for
    /// work after releasing it, so no request is lost between the two.
    public func maintain() async throws -> MaintenanceReport {
        var report = MaintenanceReport()
        while true {
            guard try control.tryLock(ControlDatabase.maintenanceLockClass, on: database) else {
                report.ran = !report.built.isEmpty || !report.dropped.isEmpty
                return report
            }
            do {
                try await maintenancePass(&report)
            } catch {
                control.unlock(ControlDatabase.maintenanceLockClass, on: database)
                throw error
            }
            control.unlock(ControlDatabase.maintenanceLockClass, on: database)
            if try report.skipped != nil || !maintenanceDue() { return report }
        }
    }

    private func maintenancePass(_ report: inout MaintenanceReport) async throws {
        report.dropped += try dropDiscarded()
        // Holding the maintenance lock, no build is under way: an unready spare is one a killed
        // worker left.
        for row in try connection.query("SELECT number, dbname FROM odb.spares WHERE database = \(database) AND NOT ready") {
            try dropSpare(number: row.int("number"), name: row.string("dbname"))
        }
        while true {
            let next: (number: Int, source: String, name: String)? = try await control.withLock(
                on: database, timeout: options.lockTimeout, events: events
            ) {
                let wanted = try wantedSpares()
                let ready = try sparePolicy().spares
                for spare in ready where !wanted.contains(where: { $0.number == spare.number }) {
                    try dropSpare(number: spare.number, name: spare.database)
                    report.dropped.append(spare.database)
                }
                guard let missing = wanted.first(where: { want in !ready.contains { $0.number == want.number } }) else {
                    return nil
                }
                let name = Names.spareDatabase(database, number: missing.number)
                if try databaseExists(name) { throw OdbError.nameTaken(database: name) }
                try connection.query(
                    "INSERT INTO odb.spares (database, number, dbname) VALUES (\(database), \(missing.number), \(name))")
                return (missing.number, missing.source, name)
            }
            guard let next else { return }
            reached(.spareClaimed)
            do {
                try build(next.name, of: next.number, from: next.source)
            } catch let error as OdbError {
                try dropSpare(number: next.number, name: next.name)
                guard case .notEnoughSpace = error else { throw error }
                report.skipped = error.description
                events(.skippedSpare(number: next.number, reason: error.description))
                return
            }
            report.built.append(next.number)
        }
    }

    /// Copies a revision into its spare (leaving a tenth of the disk free), restores its recorded
    /// properties, then marks it ready, unless the revision went away meanwhile.
    private func build(_ name: String, of number: Int, from source: String) throws {
        let reserve = control.storage().totalBytes().map { $0 / 10 } ?? 0
        // A revision is frozen, so the copy's size is the size measured before it.
        let size = try copy(from: source, to: name, frozen: false, reserve: reserve).size
        reached(.spareCopied)
        if let recorded = try recordedProperties(number) { try restore(recorded, on: name) }
        // Not under the repository lock: a revert may be holding it while it waits for this spare.
        // A purge that dropped the revision meanwhile also deleted the row: then the copy is listed
        // as discarded before it is dropped, like any other.
        let marked = try connection.query(
            "UPDATE odb.spares SET ready = true, size = \(size), built_at = now() WHERE dbname = \(name) RETURNING number")
        if marked.isEmpty {
            try connection.query(
                "INSERT INTO odb.discarded (dbname, database) VALUES (\(name), \(database)) ON CONFLICT DO NOTHING")
            try dropDiscarded(name)
        } else {
            events(.builtSpare(number: number, database: name))
        }
    }

    /// Forgets a spare and drops it: moved to the discarded list first, in one statement, so
    /// that no spare row ever names a database that is gone.
    func dropSpare(number: Int, name: String) throws {
        try connection.query(
            """
            WITH gone AS (DELETE FROM odb.spares WHERE dbname = \(name) RETURNING dbname, database)
            INSERT INTO odb.discarded (dbname, database) SELECT dbname, database FROM gone ON CONFLICT DO NOTHING
            """)
        try dropDiscarded(name)
        events(.droppedSpare(number: number, database: name))
    }

    /// Spares left half-built by a worker that is gone (no one holds the maintenance lock): moved
    /// to the discarded list, for the next worker or `odb recover` to drop. One query when there
    /// are none, so every command can afford it.
    func discardAbandonedSpares() throws {
        try connection.query(
            """
            WITH gone AS (
                DELETE FROM odb.spares s WHERE s.database = \(database) AND NOT s.ready AND NOT EXISTS (
                    SELECT 1 FROM pg_locks l WHERE \(ControlDatabase.held(ControlDatabase.maintenanceLockClass, on: database)))
                RETURNING s.dbname, s.database)
            INSERT INTO odb.discarded (dbname, database) SELECT dbname, database FROM gone ON CONFLICT DO NOTHING
            """)
    }
}
