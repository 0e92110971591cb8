/// The tags of one tracked database (`odb.tags`).
struct TagRecords {
    let connection: Connection
    let database: String

    /// Names `number`; a name already used fails with SQLSTATE 23505.
    func add(_ name: String, number: Int) throws {
        try connection.query("INSERT INTO odb.tags (database, name, number) VALUES (\(database), \(name), \(number))")
    }

    /// Deletes a tag and returns the revision it named; nil when there was no such tag.
    func delete(_ name: String) throws -> Int? {
        try connection.query("DELETE FROM odb.tags WHERE database = \(database) AND name = \(name) RETURNING number").first?
            .int("number")
    }

    func number(of name: String) throws -> Int? {
        try connection.query("SELECT number FROM odb.tags WHERE database = \(database) AND name = \(name)").first?.int(
            "number")
    }

    /// Newest revision first.
    func all() throws -> [Tag] {
        try connection.query("SELECT name, number FROM odb.tags WHERE database = \(database) ORDER BY number DESC, name")
            .map { Tag(name: try $0.string("name"), revision: try $0.int("number")) }
    }
}
