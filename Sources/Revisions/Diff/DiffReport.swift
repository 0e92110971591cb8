/// What `odb diff` found between two database states: the `--json` shape.
public struct DiffReport: Codable, Sendable, Equatable {
    /// Schema objects added, removed and changed; nil when the schema was not compared.
    public var schema: [SchemaChange]?
    /// The tables whose rows differ (tables in both states only); nil when data was not compared.
    public var tables: [TableDiff]?
    /// Tables (`schema.table`) only the old or only the new state has: their rows are not compared.
    public var tablesOnlyOld: [String] = []
    public var tablesOnlyNew: [String] = []
    public var stats = DiffStats()

    public init(schema: [SchemaChange]? = nil, tables: [TableDiff]? = nil) {
        self.schema = schema
        self.tables = tables
    }

    /// Whether the two states are the same, as far as what was compared goes.
    public var isEmpty: Bool {
        (schema ?? []).isEmpty && (tables ?? []).allSatisfy(\.isEmpty) && tablesOnlyOld.isEmpty && tablesOnlyNew.isEmpty
    }
}

/// What a diff cost: how much the server sent odb, against the size of what was compared.
public struct DiffStats: Codable, Sendable, Equatable {
    /// Bytes of the values odb received from both servers (text, without protocol overhead).
    public var bytesRead: Int64 = 0
    /// `pg_table_size` of the compared tables, both sides together.
    public var tableBytes: Int64 = 0
    public var tablesCompared = 0
    /// Chunks of rows whose count and hash sum were compared, and how many differed.
    public var chunks = 0
    public var chunksDiffering = 0

    public init() {}
}

/// The rows of one table that differ.
public struct TableDiff: Codable, Sendable, Equatable {
    /// How rows were matched: by a key both sides have, or as a multiset of whole rows.
    public enum Method: String, Codable, Sendable {
        case primaryKey = "primary key"
        case uniqueKey = "unique key"
        case multiset
    }

    /// `schema.table`, unquoted.
    public let table: String
    public let method: Method
    /// The key's columns; empty for a multiset.
    public let key: [String]
    /// The columns compared: those both sides have, in the old side's order.
    public let columns: [String]
    /// Columns only one side has, left out of the comparison.
    public let columnsOnlyOld: [String]
    public let columnsOnlyNew: [String]
    public var added = 0
    public var removed = 0
    /// Rows whose key is on both sides with other values; always 0 for a multiset.
    public var changed = 0
    /// Up to the `rows` asked for, in key order (a multiset: in hash order).
    public var rows: [RowChange] = []

    public init(
        table: String, method: Method, key: [String], columns: [String], columnsOnlyOld: [String] = [],
        columnsOnlyNew: [String] = []
    ) {
        self.table = table
        self.method = method
        self.key = key
        self.columns = columns
        self.columnsOnlyOld = columnsOnlyOld
        self.columnsOnlyNew = columnsOnlyNew
    }

    public var isEmpty: Bool { added == 0 && removed == 0 && changed == 0 }
}

/// One row added, removed or changed, its values as PostgreSQL prints them (nil for NULL), in
/// the order of `TableDiff.columns`.
public struct RowChange: Codable, Sendable, Equatable {
    public let change: SchemaChange.Change
    /// The key's values; nil for a multiset.
    public let key: [String]?
    public let old: [String?]?
    public let new: [String?]?
    /// A multiset's copies of this row added or removed; nil for a keyed table.
    public let copies: Int?

    public init(change: SchemaChange.Change, key: [String]?, old: [String?]?, new: [String?]?, copies: Int? = nil) {
        self.change = change
        self.key = key
        self.old = old
        self.new = new
        self.copies = copies
    }
}
