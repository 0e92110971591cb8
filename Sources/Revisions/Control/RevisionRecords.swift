import Foundation

/// The revisions of one tracked database (`odb.revisions`): number, parent, the frozen database
/// that holds it (NULL once purged), message, author, size, and what a template copy loses.
struct RevisionRecords {
    let connection: Connection
    let database: String

    struct New {
        var number: Int
        var parent: Int
        /// Nil for a restored revision whose database is still to be loaded (`PendingRevisions`).
        var dbname: String?
        var message: String
        var author: String
        var size: Int64
        var properties: DatabaseProperties
        /// What `odb status` compares with after a revert to it (nil: unknown).
        var baseline: Baseline? = nil
    }

    func insert(_ revision: New) throws {
        let json = String(decoding: try JSONCoding.encoder.encode(revision.properties), as: UTF8.self)
        let baseline = try TrackedDatabase.json(revision.baseline)
        try connection.query(
            """
            INSERT INTO odb.revisions (database, number, parent, dbname, message, author, size, properties, baseline)
            VALUES (\(database), \(revision.number), \(revision.parent), \(revision.dbname), \(revision.message),
                    \(revision.author), \(revision.size), \(json)::jsonb, \(baseline)::jsonb)
            """)
    }

    /// What is recorded of revision `number`: nil when there is no such revision; its database's
    /// name is nil once purged.
    func record(_ number: Int) throws -> (dbname: String?, properties: DatabaseProperties)? {
        guard
            let row = try connection.query(
                """
                SELECT dbname, properties::text AS properties FROM odb.revisions
                WHERE database = \(database) AND number = \(number)
                """
            ).first
        else { return nil }
        let properties = try JSONCoding.decoder.decode(DatabaseProperties.self, from: Data(try row.string("properties").utf8))
        return (try row.optionalString("dbname"), properties)
    }

    func exists(_ number: Int) throws -> Bool { try record(number) != nil }

    /// The baseline recorded with revision `number` when it was committed.
    func baseline(of number: Int) throws -> Baseline? {
        guard
            let text = try connection.query(
                "SELECT baseline::text AS b FROM odb.revisions WHERE database = \(database) AND number = \(number)"
            ).first?.optionalString("b")
        else { return nil }
        return try JSONCoding.decoder.decode(Baseline.self, from: Data(text.utf8))
    }

    /// The newest revision's number; nil when nothing has been committed. Hidden states (negative
    /// numbers) are never the tip.
    func tip() throws -> Int? {
        try connection.query("SELECT max(number) AS tip FROM odb.revisions WHERE database = \(database) AND number > 0")
            .first?.optionalInt("tip")
    }

    /// The number the next hidden state gets: -1, then one below the lowest (numbers are never reused).
    func nextHidden() throws -> Int {
        try connection.query(
            "SELECT least(coalesce(min(number), 0), 0) - 1 AS next FROM odb.revisions WHERE database = \(database)"
        ).first?.int("next") ?? -1
    }

    /// The parent recorded for revision `number`; nil when there is no such revision.
    func parent(of number: Int) throws -> Int? {
        try connection.query("SELECT parent FROM odb.revisions WHERE database = \(database) AND number = \(number)").first?
            .int("parent")
    }

    /// Forgets revision `number`'s database (the history keeps the rest) and returns its name;
    /// nil when it was already purged. Locks the row until the transaction ends.
    func forgetDatabase(of number: Int) throws -> String? {
        try connection.query(
            """
            WITH old AS (
                SELECT number, dbname FROM odb.revisions
                WHERE database = \(database) AND number = \(number) AND dbname IS NOT NULL FOR UPDATE)
            UPDATE odb.revisions r SET dbname = NULL FROM old
            WHERE r.database = \(database) AND r.number = old.number
            RETURNING old.dbname
            """
        ).first?.string("dbname")
    }

    /// Whether `name` is the database of a revision of any tracked database.
    static func mentions(_ name: String, on connection: Connection) throws -> Bool {
        try !connection.query("SELECT 1 FROM odb.revisions WHERE dbname = \(name)").isEmpty
    }
}
