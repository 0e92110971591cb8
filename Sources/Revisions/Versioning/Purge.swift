/// Purging: dropping revision databases to free space, keeping the history readable.
extension Repository {
    /// A revision `r` whose database exists, or is still to be loaded from a restore's dump.
    static let hasOrAwaitsDatabase: SQL = """
        (EXISTS (SELECT 1 FROM pg_database p WHERE p.datname = r.dbname)
         OR EXISTS (SELECT 1 FROM odb.pending q WHERE q.database = r.database AND q.number = r.number))
        """

    /// The revisions a purge would drop: all that still have a database (or are to have one
    /// loaded), or only untagged ones.
    public func purgePlan(_ mode: PurgeMode) throws -> PurgePlan {
        if mode == .chosen { return PurgePlan(database: database, mode: .chosen, revisions: [], size: 0) }
        let rows = try connection.query(
            """
            SELECT r.number, coalesce(r.size, 0) AS size FROM odb.revisions r
            WHERE r.database = \(database) AND r.number > 0 AND \(Self.hasOrAwaitsDatabase)
              AND (\(mode == .all) OR NOT EXISTS (SELECT 1 FROM odb.tags t WHERE t.database = r.database AND t.number = r.number))
            ORDER BY r.number
            """)
        return PurgePlan(
            database: database, mode: mode, revisions: try rows.map { try $0.int("number") },
            size: try rows.reduce(0) { $0 + (try $1.int64("size")) })
    }

    /// The revisions the user named, each resolved (a number, a tag, `tip`); those whose database
    /// is already gone are left out.
    public func purgePlan(chosen arguments: [RevisionArgument]) throws -> PurgePlan {
        let parent = try state().parent
        let numbers = Set(try arguments.map { try resolve($0, parent: parent) })
        let rows = try connection.query(
            """
            SELECT r.number, coalesce(r.size, 0) AS size FROM odb.revisions r
            WHERE r.database = \(database) AND \(Self.hasOrAwaitsDatabase) AND r.number = ANY (\("{" + numbers.sorted().map(String.init).joined(separator: ",") + "}")::int[])
            ORDER BY r.number
            """)
        return PurgePlan(
            database: database, mode: .chosen, revisions: try rows.map { try $0.int("number") },
            size: try rows.reduce(0) { $0 + (try $1.int64("size")) })
    }

    /// Drops the revision databases of a plan that the plan's rule still selects (a revision
    /// tagged since the plan was made is kept). The history keeps their numbers, parents, messages
    /// and tags, so `odb log` still reads the same.
    ///
    /// Under the lock, in one transaction, the revisions are forgotten and their databases (and
    /// their spares) listed as discarded; the drops come after, off the lock, so that other
    /// commands need not wait for them. Killed in between, the next odb drops the rest: no
    /// revision ever names a database that is gone.
    public func purge(_ plan: PurgePlan) throws -> [Int] {
        try dropRevisionDatabases(plan.revisions) {
            plan.mode == .chosen ? Set(plan.revisions) : Set(try purgePlan(plan.mode).revisions)
        }
    }

    /// Purge's way of dropping revision databases, which `odb gc` and the retention of hidden
    /// states share: under the lock, `stillSelected` says which of `numbers` the caller's rule
    /// still selects; in one transaction those are forgotten and listed as discarded (`forget`);
    /// then they are dropped off the lock.
    func dropRevisionDatabases(_ numbers: [Int], stillSelected: () throws -> Set<Int>) throws -> [Int] {
        let forgotten: [(number: Int, name: String)] = try changing { state in
            if state.protected { throw OdbError.protected(database: database) }
            let selected = try stillSelected()
            return try connection.transaction { try forget(numbers.filter(selected.contains)) }
        }
        try reached(.purgeForgotten)
        let dropped = try dropDiscarded()
        for (number, name) in forgotten where dropped.contains(name) {
            events(.droppedRevision(number: number, database: name))
        }
        return forgotten.map(\.number)
    }

    /// Inside the caller's transaction: forgets the databases of `numbers` (the history keeps the
    /// rest) and lists them, with their spares, as discarded; returns those that still had one.
    func forget(_ numbers: [Int]) throws -> [(number: Int, name: String)] {
        var forgotten: [(Int, String)] = []
        for number in numbers {
            // A revision still to be loaded is loaded no more (a load under way is dropped when done).
            try pendingRevisions.remove(number)
            guard let name = try records.forgetDatabase(of: number) else { continue }
            try spareRecords.discard(revision: number)
            try discarded.add(name)
            forgotten.append((number, name))
        }
        return forgotten
    }
}
