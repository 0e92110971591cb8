import Foundation

/// One tracked database and its history: the working database keeps its name, and each revision
/// is a frozen database made with `CREATE DATABASE … TEMPLATE …`.
public final class Repository {
    public let database: String
    let control: ControlDatabase
    let options: Options
    let events: (Event) -> Void

    public struct Options: Sendable {
        /// End other sessions on the working database when it must be copied or replaced;
        /// false: refuse instead.
        public var terminate = true
        /// How long to wait for another odb working on the same database.
        public var lockTimeout: Duration = .seconds(60)
        /// The copy strategy to use; nil: the faster one for each copy.
        public var strategy: CopyStrategy?
        /// Whether a background worker (`odb maintain`) drops replaced databases and builds spares;
        /// false: a revert drops the database it replaced before returning.
        public var background = false

        public init(
            terminate: Bool = true, lockTimeout: Duration = .seconds(60), strategy: CopyStrategy? = nil,
            background: Bool = false
        ) {
            self.terminate = terminate
            self.lockTimeout = lockTimeout
            self.strategy = strategy
            self.background = background
        }
    }

    init(database: String, control: ControlDatabase, options: Options, events: @escaping (Event) -> Void) {
        self.database = database
        self.control = control
        self.options = options
        self.events = events
    }

    var connection: Connection { control.connection }

    struct State {
        var revision: Int
        var parent: Int
        var protected: Bool
    }

    /// The revision the working database came from (0: none yet).
    public func workingParent() throws -> Int { try state().parent }

    func state() throws -> State {
        guard
            let row = try connection.query(
                "SELECT revision, parent, protected FROM odb.databases WHERE name = \(database)"
            ).first
        else { throw OdbError.notTracked(database: database) }
        return State(revision: row.int("revision"), parent: row.int("parent"), protected: row.bool("protected"))
    }

    func databaseExists(_ name: String) throws -> Bool { try control.databaseExists(name) }

    func oid(of name: String) throws -> String? {
        try connection.query("SELECT oid::text AS oid FROM pg_database WHERE datname = \(name)").first?["oid"]
    }

    /// Marks a named step of an operation (see `Step`).
    func reached(_ step: Step) { step.reached(on: connection) }

    /// Runs a change under odb's lock on this database, after finishing whatever an interrupted
    /// odb left behind; `body` gets the state as that left it.
    func changing<T>(_ body: (State) async throws -> T) async throws -> T {
        try await control.withLock(on: database, timeout: options.lockTimeout, events: events) {
            try finishInterrupted()
            return try await body(try state())
        }
    }

    // MARK: Commit

    /// Freezes the working database as revision N (its current number) and moves it to N+1.
    public func commit(message: String) async throws -> CommitOutcome {
        if message.contains("\0") { throw OdbError.invalidMessage }
        return try await changing { state in
            guard let properties = try DatabaseProperties.read(database, on: connection) else {
                throw OdbError.databaseMissing(database: database)
            }
            let number = state.revision
            let frozen = Names.revisionDatabase(database, number: number)
            if try databaseExists(frozen) { throw OdbError.nameTaken(database: frozen) }
            try journal(
                kind: "commit", number: number, made: frozen, replaced: nil, allowConnections: properties.allowConnections)
            reached(.commitJournaled)
            let ended: [Session]
            do {
                ended = try control.fence(database, terminate: options.terminate)
            } catch {
                _ = try? connection.query("DELETE FROM odb.operations WHERE database = \(database)")
                throw error
            }
            if !ended.isEmpty { events(.endedSessions(database: database, sessions: ended)) }
            do {
                reached(.commitFenced)
                // A fenced database cannot change, so the copy's size is the size measured before it.
                let size = try copy(from: database, to: frozen, frozen: true).size
                reached(.commitCopied)
                let json = String(decoding: try JSONCoding.encoder.encode(properties), as: UTF8.self)
                try connection.transaction {
                    try connection.query(
                        """
                        INSERT INTO odb.revisions (database, number, parent, dbname, message, author, size, properties)
                        VALUES (\(database), \(number), \(state.parent), \(frozen), \(message), \(Self.author), \(size), \(json)::jsonb)
                        """)
                    try connection.query(
                        "UPDATE odb.databases SET revision = \(number + 1), parent = \(number) WHERE name = \(database)")
                    try connection.query("DELETE FROM odb.operations WHERE database = \(database)")
                }
            } catch {
                try? rollBack()
                throw error
            }
            try control.unfence(database, allowConnections: properties.allowConnections)
            return CommitOutcome(
                database: database, committed: number, revision: number + 1, revisionDatabase: frozen, endedSessions: ended)
        }
    }

    // MARK: Revert

    /// Makes the working database a copy of `target` (default: its parent), keeping its name and
    /// revision number.
    ///
    /// The replacement is a ready spare of the target when there is one, else a copy built under a
    /// temporary name. Then, in one transaction, the working database is renamed aside (to be
    /// dropped later, off the user's path), the replacement takes its name and the new parent is
    /// recorded. Killed at any step, the working database exists, whole, holding the old state or
    /// the new; the next odb command undoes the unfinished part.
    public func revert(to target: RevisionArgument?) async throws -> RevertOutcome {
        try await changing { state in
            if state.protected { throw OdbError.protected(database: database) }
            let number = try resolve(target ?? .number(state.parent), parentIfZero: state.parent)
            let source = try revisionDatabase(number)
            guard let recorded = try recordedProperties(number) else {
                throw OdbError.unknownRevision(String(number))
            }
            let working = try DatabaseProperties.read(database, on: connection)
            let discarded = try oid(of: database).map { Names.discardedDatabase(database, oid: $0) }
            if let discarded, try databaseExists(discarded) { throw OdbError.nameTaken(database: discarded) }
            let allowConnections = working?.allowConnections ?? recorded.allowConnections
            let spare = try readySpare(number) ?? awaitSpare(number)
            var ended: [Session] = []
            do {
                let replacement: String
                if let spare {
                    try journal(
                        kind: "swap", number: number, made: spare, replaced: discarded, allowConnections: allowConnections)
                    reached(.revertJournaled)
                    replacement = spare
                } else {
                    replacement = Names.replacementDatabase(database)
                    if try databaseExists(replacement) { throw OdbError.nameTaken(database: replacement) }
                    try journal(
                        kind: "revert", number: number, made: replacement, replaced: discarded, allowConnections: allowConnections
                    )
                    reached(.revertJournaled)
                    try copy(from: source, to: replacement, frozen: false)
                    reached(.revertCopied)
                    try restore(recorded, on: replacement)
                    reached(.revertRestored)
                }
                if working != nil {
                    ended = try control.fence(database, terminate: options.terminate)
                    if !ended.isEmpty { events(.endedSessions(database: database, sessions: ended)) }
                }
                reached(.revertFenced)
                try swap(in: replacement, discarding: working == nil ? nil : discarded, parent: number, recorded: recorded)
            } catch {
                try? rollBack()
                throw error
            }
            reached(.revertSwapped)
            if let spare { events(.usedSpare(number: number, database: spare)) }
            if !options.background { try dropDiscarded() }
            return RevertOutcome(
                database: database, parent: number, revision: state.revision, endedSessions: ended, usedSpare: spare != nil)
        }
    }

    /// Sets a copy's owner, grants and settings to those recorded with its revision.
    func restore(_ recorded: DatabaseProperties, on copy: String) throws {
        let roles = Set(try connection.query("SELECT rolname FROM pg_roles").map { $0.string("rolname") })
        let missing = recorded.missingRoles(existingRoles: roles)
        if !missing.isEmpty { events(.rolesMissing(database: copy, roles: missing)) }
        for statement in recorded.restoreStatements(on: copy, existingRoles: roles) {
            try connection.query(statement)
        }
    }

    /// The swap, in one transaction: the working database goes aside to `discarded`, the
    /// replacement takes its name, and the new parent is recorded with the journal cleared.
    private func swap(in replacement: String, discarding discarded: String?, parent: Int, recorded: DatabaseProperties) throws {
        try connection.transaction {
            if let discarded {
                try connection.query("ALTER DATABASE \(identifier: database) RENAME TO \(identifier: discarded)")
                try connection.query("INSERT INTO odb.discarded (dbname, database) VALUES (\(discarded), \(database))")
            }
            try connection.query("ALTER DATABASE \(identifier: replacement) RENAME TO \(identifier: database)")
            try connection.query(
                "ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS \(unsafeRaw: recorded.allowConnections ? "true" : "false")"
            )
            try connection.query("DELETE FROM odb.spares WHERE dbname = \(replacement)")
            try connection.query("UPDATE odb.databases SET parent = \(parent) WHERE name = \(database)")
            try connection.query("DELETE FROM odb.operations WHERE database = \(database)")
        }
    }

    /// Drops the databases listed as discarded: those reverts replaced, purged revisions, spares
    /// no longer wanted. Each is claimed with an advisory lock first, so that a purge and a
    /// background worker never drop the same database at once (PostgreSQL marks a database being
    /// dropped invalid, and refuses any other change to it meanwhile); one that another odb is
    /// dropping is left to it.
    @discardableResult
    func dropDiscarded() throws -> [String] {
        var dropped: [String] = []
        for row in try connection.query("SELECT dbname FROM odb.discarded WHERE database = \(database) ORDER BY discarded_at") {
            let name = row.string("dbname")
            if try dropDiscarded(name) {
                events(.droppedDiscarded(database: name))
                dropped.append(name)
            }
        }
        return dropped
    }

    /// Drops one discarded database unless another odb is at it; true when this one did.
    @discardableResult
    func dropDiscarded(_ name: String) throws -> Bool {
        guard try control.tryLock(ControlDatabase.discardLockClass, on: name) else { return false }
        defer { control.unlock(ControlDatabase.discardLockClass, on: name) }
        guard try !connection.query("SELECT 1 FROM odb.discarded WHERE dbname = \(name)").isEmpty else { return false }
        try drop(name)
        reached(.discardDropped)
        try connection.query("DELETE FROM odb.discarded WHERE dbname = \(name)")
        return true
    }

    // MARK: Recovery

    /// Finishes or undoes the operation an interrupted odb left in the journal: the working
    /// database exists afterwards, whole, connections are allowed again, and no half-made database
    /// is left. Returns what was done, also reported as an event. Every change does this first.
    public func recover() async throws -> String? {
        try await control.withLock(on: database, timeout: options.lockTimeout, events: events) {
            let outcome = try finishInterrupted()
            try dropDiscarded()
            return outcome
        }
    }

    /// Finishes an operation a killed odb left, when no odb is at work on this database: every
    /// command, reading ones too, starts with this. One query when there is nothing to do; it
    /// never waits for an odb that is still working.
    func recoverIfAbandoned() throws {
        let pending =
            try connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM odb.operations WHERE database = \(database))
                    OR EXISTS (SELECT 1 FROM odb.spares WHERE database = \(database) AND NOT ready) AS pending
                """
            ).first?.bool("pending") ?? false
        guard pending, try control.tryLock(ControlDatabase.lockClass, on: database) else { return }
        defer { control.unlock(ControlDatabase.lockClass, on: database) }
        try finishInterrupted()
    }

    @discardableResult
    func finishInterrupted() throws -> String? {
        try discardAbandonedSpares()
        guard
            let row = try connection.query(
                "SELECT kind, number, made, replaced, made_oid::text AS made_oid, allow_connections FROM odb.operations WHERE database = \(database)"
            ).first
        else { return nil }
        let kind = row.string("kind")
        let outcome: String
        if kind == "init" {
            // Tracking was recorded before the database was created: keep it if the database exists.
            if try databaseExists(database) {
                try connection.query("DELETE FROM odb.operations WHERE database = \(database)")
                outcome = "completed"
            } else {
                try connection.query("DELETE FROM odb.databases WHERE name = \(database)")
                outcome = "rolled back"
            }
        } else if kind == "revert", let made = row["made_oid"], try oid(of: database) == made {
            // Journaled by odb 0.1, whose swap and record were two steps: the swap happened.
            let recorded = try recordedProperties(row.int("number"))
            try control.unfence(database, allowConnections: recorded?.allowConnections ?? row.bool("allow_connections"))
            try connection.transaction {
                if let replaced = row["replaced"] {
                    try connection.query(
                        "INSERT INTO odb.discarded (dbname, database) VALUES (\(replaced), \(database)) ON CONFLICT DO NOTHING")
                }
                try connection.query("UPDATE odb.databases SET parent = \(row.int("number")) WHERE name = \(database)")
                try connection.query("DELETE FROM odb.operations WHERE database = \(database)")
            }
            try dropDiscarded()
            outcome = "completed"
        } else {
            try rollBack()
            outcome = "rolled back"
        }
        let description = "\(kind == "swap" ? "revert" : kind) of revision \(row.int("number"))"
        events(.recovered(database: database, operation: description, outcome: outcome))
        return "\(description): \(outcome)"
    }

    /// Undoes the journaled operation that did not reach its swap or its record: drops what it
    /// made (but never a spare it was about to use), lets connections back into the working
    /// database, clears the journal.
    private func rollBack() throws {
        guard
            let row = try connection.query(
                "SELECT kind, made, allow_connections FROM odb.operations WHERE database = \(database)"
            ).first
        else { return }
        if row.string("kind") != "swap" { try drop(row.string("made")) }
        if try databaseExists(database) {
            try control.unfence(database, allowConnections: row.bool("allow_connections"))
        }
        try connection.query("DELETE FROM odb.operations WHERE database = \(database)")
    }

    private func journal(kind: String, number: Int, made: String, replaced: String?, allowConnections: Bool) throws {
        try connection.query(
            """
            INSERT INTO odb.operations (database, kind, number, made, replaced, allow_connections)
            VALUES (\(database), \(kind), \(number), \(made), \(replaced), \(allowConnections))
            """)
    }

    // MARK: Drops

    /// Drops a database odb made, if it exists: a frozen one is unfrozen first, unless a drop that
    /// was interrupted left it invalid (`datconnlimit` -2), which only DROP DATABASE accepts.
    func drop(_ name: String) throws {
        guard
            let row = try connection.query(
                "SELECT datistemplate AND datconnlimit <> -2 AS frozen FROM pg_database WHERE datname = \(name)"
            ).first
        else { return }
        if row.bool("frozen") { try connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE false") }
        try connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
    }

    // MARK: Reading the history

    /// The revision number a user's argument names; `parentIfZero` explains a missing parent.
    func resolve(_ argument: RevisionArgument, parentIfZero parent: Int) throws -> Int {
        switch argument {
        case .number(let number):
            if number == 0, parent == 0 { throw OdbError.unknownRevision("0: nothing has been committed yet") }
            let exists = try !connection.query(
                "SELECT 1 FROM odb.revisions WHERE database = \(database) AND number = \(number)"
            ).isEmpty
            guard exists else { throw OdbError.unknownRevision(String(number)) }
            return number
        case .tip:
            guard
                let tip = try connection.query(
                    "SELECT max(number) AS tip FROM odb.revisions WHERE database = \(database)"
                ).first?.optionalInt("tip")
            else { throw OdbError.unknownRevision("tip: nothing has been committed yet") }
            return tip
        case .tag(let name):
            guard
                let number = try connection.query(
                    "SELECT number FROM odb.tags WHERE database = \(database) AND name = \(name)"
                ).first?.optionalInt("number")
            else { throw OdbError.unknownRevision(name) }
            return number
        }
    }

    /// The database of a revision, checked to exist.
    func revisionDatabase(_ number: Int) throws -> String {
        guard
            let row = try connection.query(
                "SELECT dbname FROM odb.revisions WHERE database = \(database) AND number = \(number)"
            ).first
        else { throw OdbError.unknownRevision(String(number)) }
        guard let name = row["dbname"] else { throw OdbError.revisionPurged(number) }
        guard try databaseExists(name) else { throw OdbError.revisionDatabaseMissing(number: number, database: name) }
        return name
    }

    func recordedProperties(_ number: Int) throws -> DatabaseProperties? {
        guard
            let text = try connection.query(
                "SELECT properties::text AS properties FROM odb.revisions WHERE database = \(database) AND number = \(number)"
            ).first?["properties"]
        else { return nil }
        return try JSONCoding.decoder.decode(DatabaseProperties.self, from: Data(text.utf8))
    }

    /// Newest first, in one query whatever the number of revisions.
    public func log(limit: Int? = nil) throws -> [Revision] {
        try connection.query(
            """
            SELECT r.number, r.parent, CASE WHEN d.oid IS NULL THEN NULL ELSE r.dbname END AS dbname,
                   r.message, r.author, r.size,
                   to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created,
                   coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM odb.tags t
                             WHERE t.database = r.database AND t.number = r.number), '[]'::json)::text AS tags,
                   EXISTS (SELECT 1 FROM odb.spares s WHERE s.database = r.database AND s.number = r.number AND s.ready) AS spare
            FROM odb.revisions r LEFT JOIN pg_database d ON d.datname = r.dbname
            WHERE r.database = \(database)
            ORDER BY r.number DESC
            LIMIT \(limit.map(Int64.init) ?? Int64.max)
            """
        ).map { row in
            Revision(
                number: row.int("number"), parent: row.int("parent"), database: row["dbname"],
                message: row.string("message"), author: row.string("author"), created: row.string("created"),
                size: row["size"].flatMap { Int64($0) },
                tags: row.jsonArray("tags"),
                spare: row.bool("spare"))
        }
    }

    /// Where the working database stands, in one query.
    public func info() throws -> Info {
        guard
            let row = try connection.queryWhileDatabasesDrop(
                """
                SELECT d.revision, d.parent,
                       coalesce((SELECT max(number) FROM odb.revisions r WHERE r.database = d.name), 0) AS tip,
                       (SELECT count(*) FROM odb.revisions r WHERE r.database = d.name AND r.dbname IS NOT NULL) AS revisions,
                       coalesce((SELECT sum(size) FROM odb.revisions r WHERE r.database = d.name AND r.dbname IS NOT NULL), 0) AS revisions_size,
                       coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM odb.tags t
                                 WHERE t.database = d.name AND t.number = d.parent), '[]'::json)::text AS tags,
                       coalesce((SELECT pg_database_size(p.oid) FROM pg_database p WHERE p.datname = d.name), 0) AS size,
                       coalesce((SELECT json_agg(s.number ORDER BY s.number) FROM odb.spares s
                                 WHERE s.database = d.name AND s.ready), '[]'::json)::text AS spares,
                       coalesce((SELECT sum(s.size) FROM odb.spares s WHERE s.database = d.name AND s.ready), 0) AS spares_size,
                       coalesce((SELECT sum(pg_database_size(p.oid)) FROM odb.discarded x JOIN pg_database p ON p.datname = x.dbname
                                 WHERE x.database = d.name), 0) AS discarded_size
                FROM odb.databases d WHERE d.name = \(database)
                """
            ).first
        else { throw OdbError.notTracked(database: database) }
        var info = Info(
            database: database, server: control.server.display, revision: row.int("revision"), parent: row.int("parent"),
            tip: row.int("tip"),
            parentTags: row.jsonArray("tags"),
            size: Int64(row.int("size")), revisions: row.int("revisions"), revisionsSize: Int64(row.int("revisions_size")),
            spares: row.jsonArray("spares"),
            sparesSize: Int64(row.int("spares_size")), discardedSize: Int64(row.int("discarded_size")))
        info.copies = control.copyMethod()
        return info
    }

    // MARK: Tags

    /// Tags a revision (default: the working database's parent).
    public func tag(_ name: String, revision: RevisionArgument?) async throws -> Tag {
        try Names.validateTag(name)
        return try await changing { state in
            if revision == nil, state.parent == 0 { throw OdbError.unknownRevision("0: nothing has been committed yet") }
            let number = try resolve(revision ?? .number(state.parent), parentIfZero: state.parent)
            do {
                try connection.query("INSERT INTO odb.tags (database, name, number) VALUES (\(database), \(name), \(number))")
            } catch SQLState.uniqueViolation {
                let existing = try resolve(.tag(name), parentIfZero: state.parent)
                throw OdbError.tagExists(name, revision: existing)
            }
            return Tag(name: name, revision: number)
        }
    }

    public func deleteTag(_ name: String) async throws -> Tag {
        try await changing { _ in
            guard
                let number = try connection.query(
                    "DELETE FROM odb.tags WHERE database = \(database) AND name = \(name) RETURNING number"
                ).first?.optionalInt("number")
            else { throw OdbError.unknownTag(name) }
            return Tag(name: name, revision: number)
        }
    }

    public func tags() throws -> [Tag] {
        try connection.query("SELECT name, number FROM odb.tags WHERE database = \(database) ORDER BY number DESC, name")
            .map { Tag(name: $0.string("name"), revision: $0.int("number")) }
    }

    // MARK: Purge

    /// The revisions a purge would drop: all that still have a database, or only untagged ones.
    public func purgePlan(_ mode: PurgeMode) throws -> PurgePlan {
        let rows = try connection.query(
            """
            SELECT r.number, coalesce(r.size, 0) AS size FROM odb.revisions r
            WHERE r.database = \(database) AND r.dbname IS NOT NULL
              AND (\(mode == .all) OR NOT EXISTS (SELECT 1 FROM odb.tags t WHERE t.database = r.database AND t.number = r.number))
            ORDER BY r.number
            """)
        return PurgePlan(
            database: database, mode: mode, revisions: rows.map { $0.int("number") },
            size: rows.reduce(0) { $0 + Int64($1.int("size")) })
    }

    /// Drops the revision databases of a plan. The history keeps their numbers, parents, messages
    /// and tags, so `odb log` still reads the same.
    ///
    /// The revisions are forgotten first, in one transaction that moves their databases (and
    /// their spares) to the discarded list; then they are dropped. Killed in between, the next odb
    /// drops the rest: no revision ever names a database that is gone.
    public func purge(_ plan: PurgePlan) async throws -> [Int] {
        try await changing { state in
            if state.protected { throw OdbError.protected(database: database) }
            let forgotten: [(number: Int, name: String)] = try connection.transaction {
                var forgotten: [(Int, String)] = []
                for number in plan.revisions {
                    guard
                        let name = try connection.query(
                            "SELECT dbname FROM odb.revisions WHERE database = \(database) AND number = \(number) FOR UPDATE"
                        ).first?["dbname"]
                    else { continue }
                    try connection.query(
                        """
                        WITH gone AS (DELETE FROM odb.spares WHERE database = \(database) AND number = \(number) RETURNING dbname)
                        INSERT INTO odb.discarded (dbname, database) SELECT dbname, \(database) FROM gone
                        """)
                    try connection.query("INSERT INTO odb.discarded (dbname, database) VALUES (\(name), \(database))")
                    try connection.query(
                        "UPDATE odb.revisions SET dbname = NULL WHERE database = \(database) AND number = \(number)")
                    forgotten.append((number, name))
                }
                return forgotten
            }
            reached(.purgeForgotten)
            try dropDiscarded()
            for (number, name) in forgotten { events(.droppedRevision(number: number, database: name)) }
            return forgotten.map(\.number)
        }
    }

    // MARK: Protection

    /// Marks the database protected (revert and purge refuse to touch it), or not.
    public func protect(_ on: Bool) async throws {
        _ = try await control.withLock(on: database, timeout: options.lockTimeout, events: events) {
            try connection.query("UPDATE odb.databases SET protected = \(on) WHERE name = \(database)")
        }
    }

    static var author: String {
        if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty { return name }
        if let entry = getpwuid(geteuid()) { return String(cString: entry.pointee.pw_name) }
        return ""
    }
}

extension Row {
    /// A column holding a JSON array (from `json_agg`), decoded.
    func jsonArray<Element: Decodable>(_ column: String) -> [Element] {
        (try? JSONCoding.decoder.decode([Element].self, from: Data(string(column).utf8))) ?? []
    }
}
