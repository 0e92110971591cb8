/// The tags of one tracked database (`odb.tags`).
struct TagRecords {
    let connection: Connection
    let database: String

    /// Names `number`; a name already used fails with SQLSTATE 23505.
    func add(_ name: String, number: Int) throws {
        try connection.query("INSERT INTO odb.tags (database, name, number) VALUES (\(database), \(name), \(number))")
    }

    /// Names `number` in one statement, only while its revision still has its database (its row
    /// locked against a purge meanwhile); with `moving`, a tag of that name moves to it. Returns
    /// whether the revision still had its database, the revision the name marked before, and
    /// whether the tag was written.
    func add(_ name: String, number: Int, moving: Bool) throws -> (alive: Bool, previous: Int?, written: Bool) {
        let row = try connection.query(
            """
            WITH target AS (
                SELECT number FROM odb.revisions
                WHERE database = \(database) AND number = \(number) AND dbname IS NOT NULL FOR SHARE),
            old AS (SELECT number FROM odb.tags WHERE database = \(database) AND name = \(name)),
            written AS (
                INSERT INTO odb.tags (database, name, number) SELECT \(database), \(name), number FROM target
                ON CONFLICT (database, name) DO UPDATE SET number = excluded.number WHERE \(moving)
                RETURNING number)
            SELECT EXISTS (SELECT 1 FROM target) AS alive, (SELECT number FROM old) AS previous,
                   EXISTS (SELECT 1 FROM written) AS written
            """
        ).first
        return (try row?.bool("alive") ?? false, try row?.optionalInt("previous"), try row?.bool("written") ?? false)
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
