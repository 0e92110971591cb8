/// The journal (`odb.operations`): the one unfinished operation on a tracked database, written
/// before the operation acts, so that whatever kills odb, the next odb knows what to finish or
/// undo. Each kind is recovered by the code that owns it (`Repository.recover(_:)`).
struct Journal {
    enum Kind: String, Sendable, CaseIterable {
        /// `init --create`: tracking recorded, the database not yet created.
        case initialize = "init"
        /// A commit copying the working database into its revision database.
        case commit
        /// A revert building a copy of its target under a temporary name.
        case revert
        /// A swap putting a ready database (a spare) in place of the working one.
        case swap
        /// A restore filling a temporary database from a dump (or a copy of a revision), to be
        /// swapped in.
        case restore
        /// A migration applying patches under a guard revision: `number` is the guard (0: none),
        /// `made` the patch file running.
        case migrate
        /// A pull filling a temporary database from a dump, to become revision `number`.
        case pull

        /// What the kind is called for people: a swap is how a revert uses a spare.
        var operation: String { self == .swap ? "revert" : self == .initialize ? "init" : rawValue }
    }

    struct Entry: Sendable, Equatable {
        var kind: Kind
        /// commit: the revision made; revert and swap: the target.
        var number: Int
        /// The database the operation creates (a swap's: the one it swaps in, never dropped).
        var made: String
        /// The name the working database is renamed to by the swap.
        var replaced: String?
        /// Whether the working database allowed connections before odb fenced it.
        var allowConnections: Bool
    }

    let connection: Connection
    let database: String

    func record(_ entry: Entry) throws {
        try connection.query(
            """
            INSERT INTO odb.operations (database, kind, number, made, replaced, allow_connections)
            VALUES (\(database), \(entry.kind.rawValue), \(entry.number), \(entry.made), \(entry.replaced), \(entry.allowConnections))
            """)
    }

    func entry() throws -> Entry? {
        guard
            let row = try connection.query(
                "SELECT kind, number, made, replaced, allow_connections FROM odb.operations WHERE database = \(database)"
            ).first
        else { return nil }
        let kind = try row.string("kind")
        guard let known = Kind(rawValue: kind) else { throw OdbError.unknownOperation(database: database, kind: kind) }
        return Entry(
            kind: known, number: try row.int("number"), made: try row.string("made"),
            replaced: try row.optionalString("replaced"), allowConnections: try row.bool("allow_connections"))
    }

    /// Forgets the operation: done, or undone.
    func clear() throws {
        try connection.query("DELETE FROM odb.operations WHERE database = \(database)")
    }

    /// About how many bytes the copies odb has under way on this server (commits, reverts and
    /// spare builds of every database this control database tracks) have still to write, leaving
    /// out the copy into `target`: what a disk check must count besides its own copy. Sizes this
    /// role may not read count as nothing.
    static func bytesStillToCopy(excluding target: String, on connection: Connection) throws -> Int64 {
        try connection.queryWhileDatabasesDrop(
            """
            SELECT coalesce(sum(greatest(pg_database_size(d.oid) - coalesce(pg_database_size(m.oid), 0), 0)), 0)::bigint AS pending
            FROM (SELECT o.database AS source, o.made FROM odb.operations o WHERE o.kind = 'commit'
                  UNION ALL
                  SELECT r.dbname, o.made FROM odb.operations o
                  JOIN odb.revisions r ON r.database = o.database AND r.number = o.number WHERE o.kind = 'revert'
                  UNION ALL
                  SELECT r.dbname, s.dbname FROM odb.spares s
                  JOIN odb.revisions r ON r.database = s.database AND r.number = s.number WHERE NOT s.ready) c
            JOIN pg_database d ON d.datname = c.source AND has_database_privilege(d.oid, 'CONNECT')
            LEFT JOIN pg_database m ON m.datname = c.made AND has_database_privilege(m.oid, 'CONNECT')
            WHERE c.made <> \(target)
            """
        ).first?.int64("pending") ?? 0
    }

    /// Whether odb made `name` for an unfinished operation on any database.
    static func mentions(_ name: String, on connection: Connection) throws -> Bool {
        try !connection.query(
            "SELECT 1 FROM odb.operations WHERE kind <> 'init' AND (made = \(name) OR replaced = \(name))"
        ).isEmpty
    }
}
