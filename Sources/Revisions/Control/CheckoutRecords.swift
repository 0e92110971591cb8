/// The writable copies of revisions that `odb checkout` made (`odb.checkouts`): each listed
/// before it is made and until it is dropped, so that odb never forgets a database it made and
/// never takes one for a working database.
struct CheckoutRecords {
    let connection: Connection
    let database: String

    func add(_ name: String, revision: Int) throws {
        try connection.query(
            "INSERT INTO odb.checkouts (name, database, number) VALUES (\(name), \(database), \(revision))")
    }

    func remove(_ name: String) throws {
        try connection.query("DELETE FROM odb.checkouts WHERE name = \(name)")
    }

    /// This database's checkouts, oldest first, with their size (nil when the database is gone).
    func list() throws -> [Checkout] {
        try connection.queryWhileDatabasesDrop(
            """
            SELECT c.name, c.number, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created,
                   CASE WHEN d.oid IS NULL THEN NULL ELSE pg_database_size(d.oid) END AS size
            FROM odb.checkouts c LEFT JOIN pg_database d ON d.datname = c.name
            WHERE c.database = \(database) ORDER BY c.created_at
            """
        ).map {
            Checkout(
                name: try $0.string("name"), revision: try $0.int("number"), created: try $0.string("created"),
                size: try $0.optionalInt64("size"))
        }
    }

    /// The tracked database whose checkout `name` is, if it is one.
    static func owner(of name: String, on connection: Connection) throws -> String? {
        try connection.query("SELECT database FROM odb.checkouts WHERE name = \(name)").first?.string("database")
    }
}

/// A writable copy of a revision, beside the working database.
public struct Checkout: Codable, Sendable, Equatable {
    public let name: String
    public let revision: Int
    /// When it was made, in UTC (ISO 8601).
    public let created: String
    /// Its size; nil when it is gone (dropped by hand, or its making was interrupted).
    public let size: Int64?
}
