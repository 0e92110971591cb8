/// One object of a database's schema as odb compares it: what it is, its qualified name and its
/// definition as PostgreSQL prints it (`pg_get_indexdef`, `format_type`, …).
public struct SchemaObject: Codable, Sendable, Equatable, Hashable {
    /// The kinds odb compares, in the order a snapshot and a diff list them.
    public enum Kind: String, Codable, Sendable, CaseIterable, Comparable {
        case schema, `extension`, table, column, constraint, index, view
        case materializedView = "materialized view"
        case sequence, function, trigger, policy, grant

        var order: Int { Self.allCases.firstIndex(of: self)! }

        public static func < (left: Kind, right: Kind) -> Bool { left.order < right.order }
    }

    public let kind: Kind
    /// Quoted as PostgreSQL quotes identifiers: `public.orders`, `public.orders.id`,
    /// `public.total(integer)`; a grant is named by what it grants on: `table public.orders`.
    public let name: String
    public let definition: String
    /// The table (`schema.table`, unquoted) a column, constraint, index, trigger, policy or a
    /// table's grant belongs to, so that `--table` can pick them; nil for the others.
    public let table: String?

    public init(kind: Kind, name: String, definition: String, table: String? = nil) {
        self.kind = kind
        self.name = name
        self.definition = definition
        self.table = table
    }

    /// Snapshots and diffs list objects by kind, then by name (by Unicode scalars, so the order
    /// never depends on a collation).
    static func ordered(_ left: SchemaObject, _ right: SchemaObject) -> Bool {
        if left.kind != right.kind { return left.kind < right.kind }
        return left.name.unicodeScalars.lexicographicallyPrecedes(right.name.unicodeScalars)
    }
}
