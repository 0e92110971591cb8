/// Whether the working database has changed since its parent: `odb status`.
public struct WorkingStatus: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        case unchanged, changed, unknown
    }

    /// One table that changed, and how.
    public struct TableChange: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            /// Rows were inserted, updated or deleted (`rows` of them).
            case written
            /// Its file changed: a TRUNCATE, or a command that rewrote it.
            case rewritten
            case added, dropped
        }
        public let table: String
        public let kind: Kind
        public var rows: Int64? = nil
    }

    public let database: String
    /// The revision the working database came from (0: none yet).
    public let parent: Int
    public let verdict: Verdict
    /// Why the answer is unknown, when it is.
    public var reason: String? = nil
    public var schemaChanged = false
    public var tables: [TableChange] = []
    public var sequences: [String] = []
    /// Whether the row diff against the parent gave the answer (`--exact`), not the statistics.
    public var exact = false
}

extension Repository {
    /// Compares the working database with the baseline recorded at its last commit or revert.
    /// Statistics reach the server's counters within about a second of each transaction's end.
    public func status() throws -> WorkingStatus {
        let parent = try state().parent
        guard let baseline = try tracking.baseline() else {
            return WorkingStatus(
                database: database, parent: parent, verdict: .unknown,
                reason: "no baseline was recorded (odb records one at each commit and revert)")
        }
        let now = try readBaseline()
        return baseline.compared(with: now, database: database, parent: parent)
    }

    /// The working database's baseline as it is now, read on a session that has left the server
    /// when this returns (a copy or a swap of the working database must find no session on it).
    func readBaseline() throws -> Baseline { try startReadingBaseline().value() }

    /// `readBaseline` in two halves, so that the caller's own work (a revert's copy) runs
    /// meanwhile: the session is opened here, and read on a thread of its own.
    func startReadingBaseline() throws -> BaselineReading {
        guard try databaseExists(database) else { throw OdbError.workingDatabaseMissing(database: database) }
        let session = try readOnlySession(on: database)
        return BaselineReading(
            control: connection, session: session.backendPID, reading: Beside(owning: session) { try Baseline.read(on: $0) })
    }

    /// A baseline being read (see `startReadingBaseline`).
    struct BaselineReading {
        let control: Connection
        let session: Int32
        let reading: Beside<Baseline>

        /// The baseline, once the session that read it has left the server.
        func value() throws -> Baseline {
            defer { try? control.waitForSessionToEnd(session) }
            return try reading.value()
        }
    }

    /// `readBaseline`, or nil when it cannot be read: the next status then says "unknown".
    func currentBaseline() -> Baseline? { try? readBaseline() }

    /// The baseline of the working database just after a revert to `number` put `replacement` in
    /// place: the revision's, with the counters of a new database (zero) and its oid.
    func baselineAfterRevert(to number: Int, replacement: String) throws -> Baseline? {
        guard var baseline = try records.baseline(of: number), let oid = try connection.oid(ofDatabase: replacement) else {
            return nil
        }
        baseline.oid = oid
        baseline.statsReset = nil
        baseline.serverStarted = try connection.query("SELECT pg_postmaster_start_time()::text AS t").first?.string("t") ?? ""
        baseline.written = baseline.written.mapValues { _ in 0 }
        return baseline
    }
}

extension Baseline {
    func compared(with now: Baseline, database: String, parent: Int) -> WorkingStatus {
        func unknown(_ reason: String) -> WorkingStatus {
            WorkingStatus(database: database, parent: parent, verdict: .unknown, reason: reason)
        }
        if now.oid != oid { return unknown("the working database was replaced outside odb") }
        if now.statsReset != statsReset { return unknown("its statistics were reset") }
        var tables: [WorkingStatus.TableChange] = []
        for (table, rows) in now.written.sorted(by: { $0.key < $1.key }) {
            guard let before = written[table] else {
                tables.append(.init(table: table, kind: .added))
                continue
            }
            if rows < before { return unknown("the statistics of \(table) were reset") }
            if files[table] != now.files[table] {
                tables.append(.init(table: table, kind: .rewritten, rows: rows > before ? rows - before : nil))
            } else if rows > before {
                tables.append(.init(table: table, kind: .written, rows: rows - before))
            }
        }
        for table in written.keys.sorted() where now.written[table] == nil {
            tables.append(.init(table: table, kind: .dropped))
        }
        let before = self.sequences
        let names = Set(before.keys).union(now.sequences.keys).sorted()
        let sequences = names.filter { name in before[name] != now.sequences[name] }
        var status = WorkingStatus(
            database: database, parent: parent, verdict: .changed, schemaChanged: catalog != now.catalog, tables: tables,
            sequences: sequences)
        if !status.schemaChanged, tables.isEmpty, sequences.isEmpty {
            if now.serverStarted != serverStarted {
                return unknown("the server restarted since, and a crash forgets statistics")
            }
            status = WorkingStatus(database: database, parent: parent, verdict: .unchanged)
        }
        return status
    }
}

extension Repository {
    /// `status --exact`: the schema and every row of the working database against its parent's
    /// (the row diff of `odb diff`, which fetches no row unless it differs).
    public func exactStatus() throws -> WorkingStatus {
        let parent = try state().parent
        if parent == 0 {
            return WorkingStatus(
                database: database, parent: 0, verdict: .unknown, reason: "nothing has been committed yet", exact: true)
        }
        let report = try reading(.revision(.number(parent))) { old in
            try reading(.working) { new in try Differ(old: old, new: new).diff(DiffOptions(rows: 0)) }
        }
        var tables: [WorkingStatus.TableChange] = report.tablesOnlyNew.map { .init(table: $0, kind: .added) }
        tables += report.tablesOnlyOld.map { .init(table: $0, kind: .dropped) }
        for table in report.tables ?? [] where !table.isEmpty {
            tables.append(.init(table: table.table, kind: .written, rows: Int64(table.added + table.removed + table.changed)))
        }
        return WorkingStatus(
            database: database, parent: parent, verdict: report.isEmpty ? .unchanged : .changed,
            schemaChanged: !(report.schema ?? []).isEmpty, tables: tables.sorted { $0.table < $1.table }, exact: true)
    }
}
