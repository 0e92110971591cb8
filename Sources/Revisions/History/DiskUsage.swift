/// `odb du`: what each database odb keeps for one tracked database costs on the server.
public struct DiskUsage: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case working, revision, hidden, spare, checkout
        /// A database a revert replaced (or a purge forgot), waiting to be dropped.
        case replaced
    }

    public struct Item: Codable, Sendable, Equatable {
        public let kind: Kind
        /// The revision (hidden states: N of `@N`; spares: the revision copied); nil for the
        /// working database, checkouts and replaced databases.
        public let number: Int?
        public let name: String
        /// `pg_database_size`; nil when this role may not read it.
        public let size: Int64?
    }

    public let database: String
    /// Working database first, then revisions and hidden states newest first, spares, checkouts
    /// and replaced databases.
    public let items: [Item]
    /// The sum of the sizes.
    public let total: Int64
    /// Whether copies on this server clone: then each database's size counts blocks it shares
    /// with the others, and the total overstates the disk used.
    public let shared: Bool
    /// The disk these databases use: the total when nothing is shared; nil when clones share
    /// blocks (odb cannot tell how many).
    public let disk: Int64?
    /// Free and total bytes of the file system holding the server's data directory, when odb can
    /// see it (the embedded cluster, a local server whose `data_directory` this role may read).
    public let free: Int64?
    public let filesystem: Int64?
}

extension Repository {
    /// In one query, plus a look at the server's file system where odb can see it.
    public func diskUsage() throws -> DiskUsage {
        _ = try state()
        let rows = try connection.queryWhileDatabasesDrop(
            """
            SELECT u.kind, u.number, u.name,
                   CASE WHEN has_database_privilege(p.oid, 'CONNECT') THEN pg_database_size(p.oid) END AS size
            FROM (SELECT 'working' AS kind, NULL::int AS number, \(database)::text AS name, 0 AS rank, 0 AS position
                  UNION ALL
                  SELECT CASE WHEN r.number < 0 THEN 'hidden' ELSE 'revision' END, abs(r.number), r.dbname,
                         CASE WHEN r.number < 0 THEN 2 ELSE 1 END, -abs(r.number)
                  FROM odb.revisions r WHERE r.database = \(database) AND r.dbname IS NOT NULL
                  UNION ALL
                  SELECT 'spare', s.number, s.dbname, 3, -s.number FROM odb.spares s WHERE s.database = \(database)
                  UNION ALL
                  SELECT 'checkout', NULL, c.name, 4, 0 FROM odb.checkouts c WHERE c.database = \(database)
                  UNION ALL
                  SELECT 'replaced', NULL, x.dbname, 5, 0 FROM odb.discarded x WHERE x.database = \(database)) u
            JOIN pg_database p ON p.datname = u.name
            ORDER BY u.rank, u.position, u.name
            """)
        let items = try rows.map { row in
            DiskUsage.Item(
                kind: DiskUsage.Kind(rawValue: try row.string("kind")) ?? .replaced, number: try row.optionalInt("number"),
                name: try row.string("name"), size: try row.optionalInt64("size"))
        }
        let total = items.reduce(0) { $0 + ($1.size ?? 0) }
        let shared = control.copyMethod().clone == true
        let storage = control.storage()
        return DiskUsage(
            database: database, items: items, total: total, shared: shared, disk: shared ? nil : total,
            free: storage.freeBytes(), filesystem: storage.totalBytes())
    }
}
