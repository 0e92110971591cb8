import Foundation

/// A table whose rows a data diff compares: its columns and the keys that identify its rows.
struct TableShape: Sendable {
    struct Column: Sendable, Equatable {
        let name: String
        /// As `format_type` prints it, so that it can be cast to: `character varying(20)`.
        let type: String
    }

    let schema: String
    let name: String
    let columns: [Column]
    /// Primary key first, then unique keys whose columns are all NOT NULL, fewest columns first;
    /// each in the index's column order.
    let keys: [[String]]
    /// The keys whose first column can be cut into ranges that its index reads: that column's
    /// type, one of `rangeTypes`, when the index orders it by the type's default btree order.
    let rangeKeys: [[String]: String]
    let hasPrimaryKey: Bool
    /// The planner's estimate of the row count (or one made from the table's size).
    let estimatedRows: Double
    /// `pg_table_size`: the heap with its TOAST and maps, without indexes.
    let bytes: Int64

    /// `schema.table`, unquoted: how people and `--table` name it.
    var qualifiedName: String { "\(schema).\(name)" }

    func column(_ name: String) -> Column? { columns.first { $0.name == name } }

    /// Types of fixed width (`width_bucket` finds a value's range among N bounds in log N steps
    /// only for those), without a collation, whose text is the same under every setting (so that
    /// bounds read on one side mean the same values on the other).
    static let rangeTypes = ["smallint", "integer", "bigint", "uuid"]

    /// The ordinary tables of the user's schemas, keyed by `schema.table`. Partitioned tables are
    /// left out: their partitions are tables of their own, compared one by one.
    static func read(on connection: Connection, counting side: DiffSide) throws -> [String: TableShape] {
        let relation = "c.relkind = 'r' AND \(SchemaQueries.userRelation)"
        var columns: [String: [Column]] = [:]
        for row in try side.query(
            """
            SELECT a.attrelid::text AS oid, a.attname, format_type(a.atttypid, a.atttypmod) AS type
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE a.attnum > 0 AND NOT a.attisdropped AND \(unsafeRaw: relation)
            ORDER BY a.attrelid, a.attnum
            """)
        {
            columns[try row.string("oid"), default: []].append(
                Column(name: try row.string("attname"), type: try row.string("type")))
        }
        var keys: [String: [(primary: Bool, columns: [String], rangeType: String?)]] = [:]
        for row in try side.query(
            """
            SELECT i.indrelid::text AS oid, i.indisprimary AS is_primary,
                   (SELECT json_agg(a.attname ORDER BY k.position)
                    FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                    WHERE k.position <= i.indnkeyatts)::text AS columns,
                   (SELECT format_type(a.atttypid, NULL) FROM pg_attribute a JOIN pg_opclass o ON o.oid = i.indclass[0]
                    WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0] AND o.opcdefault
                      AND o.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'btree')
                      AND format_type(a.atttypid, NULL) = ANY(\(arrayLiteral(rangeTypes))::text[])) AS range_type
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND \(unsafeRaw: relation)
              AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                              WHERE k.position <= i.indnkeyatts AND NOT a.attnotnull)
            ORDER BY i.indisprimary DESC, i.indnkeyatts, ic.relname
            """)
        {
            keys[try row.string("oid"), default: []].append(
                (try row.bool("is_primary"), try row.jsonArray("columns"), try row.optionalString("range_type")))
        }
        var tables: [String: TableShape] = [:]
        for row in try side.query(
            """
            SELECT c.oid::text AS oid, n.nspname, c.relname, pg_table_size(c.oid) AS bytes,
                   greatest(c.reltuples, pg_relation_size(c.oid) / 100.0)::float8::text AS estimate
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE \(unsafeRaw: relation)
            """)
        {
            let oid = try row.string("oid")
            let tableKeys = keys[oid] ?? []
            let shape = TableShape(
                schema: try row.string("nspname"), name: try row.string("relname"), columns: columns[oid] ?? [],
                keys: tableKeys.map(\.columns),
                rangeKeys: Dictionary(
                    tableKeys.compactMap { key in key.rangeType.map { (key.columns, $0) } },
                    uniquingKeysWith: { first, _ in first }),
                hasPrimaryKey: tableKeys.first?.primary ?? false,
                estimatedRows: Double(try row.string("estimate")) ?? 0, bytes: try row.int64("bytes"))
            tables[shape.qualifiedName] = shape
        }
        return tables
    }
}

/// How the rows of one table are told apart on both sides.
struct TableComparison: Sendable {
    let table: TableShape
    let newTable: TableShape
    /// The columns of both sides (by name), in the old side's order.
    let columns: [String]
    /// The key both sides have; empty for a multiset comparison.
    let key: [String]
    let method: TableDiff.Method
    /// The type of the key's first column when both sides' indexes can cut the key into ranges
    /// alike (see `Chunking.ranges`); nil for hash chunks.
    let rangeType: String?

    init(old: TableShape, new: TableShape) {
        table = old
        newTable = new
        let newNames = Set(new.columns.map(\.name))
        columns = old.columns.map(\.name).filter(newNames.contains)
        let newKeys = Set(new.keys.map { Set($0) })
        if let shared = old.keys.enumerated().first(where: { newKeys.contains(Set($0.element)) }) {
            key = shared.element
            method = shared.offset == 0 && old.hasPrimaryKey ? .primaryKey : .uniqueKey
        } else {
            key = []
            method = .multiset
        }
        // The same columns in the same order on both sides, the first of the same type.
        let type = old.rangeKeys[key]
        rangeType = type != nil && new.rangeKeys[key] == type ? type : nil
    }

    var onlyOld: [String] { table.columns.map(\.name).filter { !columns.contains($0) } }
    var onlyNew: [String] { newTable.columns.map(\.name).filter { !columns.contains($0) } }
}
