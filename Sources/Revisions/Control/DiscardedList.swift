/// The databases waiting to be dropped (`odb.discarded`): working databases a revert replaced,
/// purged revisions, spares no longer wanted. Listed first, dropped after, so that no metadata
/// ever names a database that is gone and nothing odb made is ever forgotten undropped.
struct DiscardedList {
    let connection: Connection
    let database: String

    func add(_ name: String) throws {
        try connection.query(
            "INSERT INTO odb.discarded (dbname, database) VALUES (\(name), \(database)) ON CONFLICT DO NOTHING")
    }

    /// Oldest first.
    func names() throws -> [String] {
        try connection.query("SELECT dbname FROM odb.discarded WHERE database = \(database) ORDER BY discarded_at").map {
            try $0.string("dbname")
        }
    }

    func contains(_ name: String) throws -> Bool { try Self.mentions(name, on: connection) }

    func remove(_ name: String) throws {
        try connection.query("DELETE FROM odb.discarded WHERE dbname = \(name)")
    }

    static func mentions(_ name: String, on connection: Connection) throws -> Bool {
        try !connection.query("SELECT 1 FROM odb.discarded WHERE dbname = \(name)").isEmpty
    }
}
