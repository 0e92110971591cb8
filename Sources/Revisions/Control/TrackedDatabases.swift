import Foundation

/// One row of `odb.databases`: a tracked database, where it stands and its policies.
struct TrackedDatabase {
    struct State: Sendable, Equatable {
        /// The number the next commit gets.
        var revision: Int
        /// The revision the working database came from (0: none yet).
        var parent: Int
        var protected: Bool
        /// How many spares to keep.
        var spares: Int
    }

    let connection: Connection
    let database: String

    /// Where the database stands; nil when it is not tracked.
    func state() throws -> State? {
        try connection.query(
            "SELECT revision, parent, protected, spares FROM odb.databases WHERE name = \(database)"
        ).first.map {
            State(
                revision: try $0.int("revision"), parent: try $0.int("parent"), protected: try $0.bool("protected"),
                spares: try $0.int("spares"))
        }
    }

    /// Whether the control database `connection` is to tracks `name`.
    static func mentions(_ name: String, on connection: Connection) throws -> Bool {
        try !connection.query("SELECT 1 FROM odb.databases WHERE name = \(name)").isEmpty
    }

    /// Starts tracking, at revision 1 with no parent.
    func insert() throws {
        try connection.query("INSERT INTO odb.databases (name, revision, parent) VALUES (\(database), 1, 0)")
    }

    /// Stops tracking; its revisions, tags, spares and journal go with it.
    func delete() throws {
        try connection.query("DELETE FROM odb.databases WHERE name = \(database)")
    }

    /// After a revert to `parent`, with what `odb status` is to compare with from now on.
    func setParent(_ parent: Int, baseline: Baseline?) throws {
        try connection.query(
            "UPDATE odb.databases SET parent = \(parent), baseline = \(try Self.json(baseline))::jsonb WHERE name = \(database)")
    }

    /// After a commit of revision `number`: the working database is number + 1, child of number.
    func committed(_ number: Int, baseline: Baseline?) throws {
        try connection.query(
            """
            UPDATE odb.databases SET revision = \(number + 1), parent = \(number), baseline = \(try Self.json(baseline))::jsonb
            WHERE name = \(database)
            """)
    }

    /// After revision `number` was added beside the working database (a pull): the next commit
    /// gets a later number; the parent stays.
    func advance(past number: Int) throws {
        try connection.query(
            "UPDATE odb.databases SET revision = greatest(revision, \(number + 1)) WHERE name = \(database)")
    }

    static func json(_ baseline: Baseline?) throws -> String? {
        try baseline.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
    }

    /// What `odb status` compares with, taken at the last commit or revert; nil before any (or
    /// when an odb older than schema 4 made the last one).
    func baseline() throws -> Baseline? {
        guard
            let text = try connection.query("SELECT baseline::text AS b FROM odb.databases WHERE name = \(database)")
                .first?.optionalString("b")
        else { return nil }
        return try JSONCoding.decoder.decode(Baseline.self, from: Data(text.utf8))
    }

    func setProtected(_ protected: Bool) throws {
        try connection.query("UPDATE odb.databases SET protected = \(protected) WHERE name = \(database)")
    }

    func setSpares(_ count: Int) throws {
        try connection.query("UPDATE odb.databases SET spares = \(count) WHERE name = \(database)")
    }
}
