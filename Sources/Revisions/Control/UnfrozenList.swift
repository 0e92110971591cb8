/// The revision databases odb has let connections into for a moment, to open a read-only session
/// on them (`odb.unfrozen`): listed before the database is unfrozen, removed once it is frozen
/// again, so that a killed odb never leaves a revision connectable (see `Repository.reading`).
struct UnfrozenList {
    let connection: Connection

    func add(_ name: String) throws {
        try connection.query("INSERT INTO odb.unfrozen (dbname) VALUES (\(name)) ON CONFLICT DO NOTHING")
    }

    func remove(_ name: String) throws {
        try connection.query("DELETE FROM odb.unfrozen WHERE dbname = \(name)")
    }

    func names() throws -> [String] {
        try connection.query("SELECT dbname FROM odb.unfrozen ORDER BY since").map { try $0.string("dbname") }
    }
}
