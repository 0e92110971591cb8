/// The schema of one database as a canonical, sorted list of objects: every schema, extension,
/// table, column, constraint, index, view, sequence, function, trigger, policy and grant outside
/// PostgreSQL's own schemas (`pg_catalog`, `information_schema`, `pg_toast`, temporary schemas),
/// and not a member of an extension (the extension itself is listed, with its version).
///
/// Reading one takes a dozen small catalog queries, all read-only; `digest` is a SHA-256 of the
/// canonical text, the same for two databases whose schemas odb cannot tell apart.
public struct SchemaSnapshot: Sendable, Equatable {
    public let objects: [SchemaObject]

    public init(objects: [SchemaObject]) {
        self.objects = objects.sorted(by: SchemaObject.ordered)
    }

    /// Reads the schema of the database `connection` is on.
    public static func read(on connection: Connection) throws -> SchemaSnapshot {
        var objects: [SchemaObject] = []
        for query in SchemaQueries.all {
            for row in try connection.query(query.sql) {
                objects.append(
                    SchemaObject(
                        kind: query.kind, name: try row.string("name"), definition: try row.string("definition"),
                        table: try row.optionalString("owning_table")))
            }
        }
        return SchemaSnapshot(objects: objects)
    }

    /// Every object as `kind NUL name NUL definition NUL`, one after the other: no name or
    /// definition can hold a NUL, so two different lists never give the same text.
    public var canonicalText: String {
        var text = ""
        for object in objects { text += "\(object.kind.rawValue)\0\(object.name)\0\(object.definition)\0" }
        return text
    }

    /// The SHA-256, in lowercase hexadecimal, of `canonicalText`.
    public var digest: String { Checksum.hex(Array(canonicalText.utf8)) }
}
