/// The rows of one table compared on two sides, cheaply when few differ.
///
/// 1. Both servers cut the table into the same chunks of about 64 rows (see `Chunking`) and
///    return, per chunk, its row count and the sum (as numeric, so it never overflows) of a 64-bit
///    hash of each row's text, both folded into one 64-bit digest sent as hex. That is one scan a
///    side, and a short row a chunk on the wire. A key whose first column is an integer or a uuid
///    that its btree index orders is cut into ranges of that column, between bounds sampled from
///    one side (a BERNOULLI sample keeping one row in 64: a pass over its pages that hashes and
///    sorts nothing) and sent to both; any other table by a hash of its key, or of its whole row.
/// 2. The two chunk lists are merged in chunk order; only the chunks that differ are read again,
///    as (key, row hash), sorted by key, and merged: keys on one side only were added or removed,
///    keys on both with other hashes changed. Ranges are read again through the key's index, so
///    a few differing rows cost a few index range scans; hash chunks (or ranges, when more than a
///    quarter of them differ) cost a second scan of all rows.
/// 3. Full rows are fetched, by key through the key's index, only for the first `rows` that
///    differ.
///
/// A table without a usable key is a multiset of rows: chunks by a hash of the whole row, then
/// (row hash, copies) per differing chunk, and rows added or removed by their number of copies.
struct DataDiff {
    let old: DiffSide
    let new: DiffSide
    let comparison: TableComparison
    /// How many rows to fetch in full.
    let rowLimit: Int

    /// A row's text: its compared columns as a record (`(1,,"a b")`), NULL distinct from 'NULL'.
    private func rowText(_ connection: Connection) throws -> String {
        "ROW(" + (try comparison.columns.map(connection.quoteIdentifier).joined(separator: ", ")) + ")::text"
    }

    /// The text the chunk is a hash of: the key's (one column's text, or a record of several), or
    /// the row's for a multiset.
    private func chunkText(_ connection: Connection) throws -> String {
        if comparison.key.isEmpty { return try rowText(connection) }
        let key = try comparison.key.map(connection.quoteIdentifier)
        return key.count == 1 ? "\(key[0])::text" : "ROW(\(key.joined(separator: ", ")))::text"
    }

    func table(_ connection: Connection, _ shape: TableShape) throws -> String {
        "ONLY \(try connection.quoteIdentifier(shape.schema)).\(try connection.quoteIdentifier(shape.name))"
    }

    func compare(into stats: inout DiffStats) throws -> TableDiff {
        var result = TableDiff(
            table: comparison.table.qualifiedName, method: comparison.method, key: comparison.key,
            columns: comparison.columns, columnsOnlyOld: comparison.onlyOld, columnsOnlyNew: comparison.onlyNew)
        guard !comparison.columns.isEmpty else { return result }
        let chunking = try chunking()
        let differing = try differingChunks(chunking, &stats)
        guard !differing.isEmpty else { return result }
        if comparison.key.isEmpty {
            try compareMultiset(chunking, differing, into: &result)
        } else {
            try compareKeyed(chunking, differing, into: &result)
        }
        return result
    }

    /// Step 1: the chunks whose count or hash sum differ.
    private func differingChunks(_ chunking: Chunking, _ stats: inout DiffStats) throws -> [Int] {
        func chunks(_ side: DiffSide, _ shape: TableShape) throws -> DiffSide.Cursor {
            let connection = side.connection
            return try side.cursor(
                """
                SELECT chunk, to_hex(hashtextextended(count(*) || ':' || sum(h), 0)) AS digest
                FROM (SELECT \(chunking.chunk(hashing: try chunkText(connection))) AS chunk,
                             hashtextextended(\(unsafeRaw: try rowText(connection)), 0) AS h
                      FROM \(unsafeRaw: try table(connection, shape))) AS rows
                GROUP BY chunk ORDER BY chunk
                """)
        }
        var differing: [Int] = []
        let oldChunks = try chunks(old, comparison.table)
        let newChunks = try chunks(new, comparison.newTable)
        try merge(oldChunks, newChunks, key: { Int($0[0] ?? "") ?? -1 }) { left, right in
            stats.chunks += 1
            if left != right, let chunk = Int((left ?? right)?[0] ?? "") { differing.append(chunk) }
        }
        stats.chunksDiffering += differing.count
        return differing
    }

    /// Steps 2 and 3 for a keyed table.
    private func compareKeyed(_ chunking: Chunking, _ chunks: [Int], into result: inout TableDiff) throws {
        let keyCount = comparison.key.count
        func keys(_ side: DiffSide, _ shape: TableShape) throws -> DiffSide.Cursor {
            let connection = side.connection
            let key = try comparison.key.map { "\(try connection.quoteIdentifier($0))::text" }
            return try side.cursor(
                """
                SELECT \(unsafeRaw: key.joined(separator: ", ")), to_hex(hashtextextended(\(unsafeRaw: try rowText(connection)), 0))
                FROM \(unsafeRaw: try table(connection, shape))
                WHERE \(chunking.rows(in: chunks, hashing: try chunkText(connection)))
                ORDER BY \(unsafeRaw: key.map { "\($0) COLLATE \"C\"" }.joined(separator: ", "))
                """)
        }
        var wanted: [(change: SchemaChange.Change, key: [String])] = []
        try merge(
            try keys(old, comparison.table), try keys(new, comparison.newTable),
            key: { ByteOrderedKey(Array($0.prefix(keyCount))) }
        ) {
            left, right in
            let change: SchemaChange.Change
            switch (left, right) {
            case (let l?, let r?):
                guard l[keyCount] != r[keyCount] else { return }
                change = .changed
                result.changed += 1
            case (_?, nil):
                change = .removed
                result.removed += 1
            default:
                change = .added
                result.added += 1
            }
            if wanted.count < rowLimit, let row = left ?? right {
                wanted.append((change, row.prefix(keyCount).map { $0 ?? "" }))
            }
        }
        guard !wanted.isEmpty else { return }
        let oldRows = try fullRows(old, comparison.table, keys: wanted.filter { $0.change != .added }.map(\.key))
        let newRows = try fullRows(new, comparison.newTable, keys: wanted.filter { $0.change != .removed }.map(\.key))
        result.rows = wanted.map { item in
            RowChange(change: item.change, key: item.key, old: oldRows[item.key], new: newRows[item.key])
        }
    }

    /// Step 3: the compared columns of the rows with these keys, found through the key's index.
    private func fullRows(_ side: DiffSide, _ shape: TableShape, keys: [[String]]) throws -> [[String]: [String?]] {
        guard !keys.isEmpty else { return [:] }
        let connection = side.connection
        var arrays: [String] = []
        var join: [String] = []
        var unnest: SQL = ""
        for (index, column) in comparison.key.enumerated() {
            let type = shape.column(column)?.type ?? "text"
            arrays.append("k\(index)")
            join.append("t.\(try connection.quoteIdentifier(column)) = u.k\(index)::\(type)")
            let values = arrayLiteral(keys.map { $0[index] })
            unnest = index == 0 ? "\(values)::text[]" : "\(unnest), \(values)::text[]"
        }
        let selected = try (comparison.key + comparison.columns).map { "t.\(try connection.quoteIdentifier($0))::text" }
        let found: SQL
        if comparison.key.count == 1 {
            // `= ANY` of an array is what the planner turns into index lookups for sure.
            let column = try connection.quoteIdentifier(comparison.key[0])
            let type = shape.column(comparison.key[0])?.type ?? "text"
            found = """
                SELECT \(unsafeRaw: selected.joined(separator: ", ")) FROM \(unsafeRaw: try table(connection, shape)) AS t
                WHERE t.\(unsafeRaw: column) = ANY(\(arrayLiteral(keys.map { $0[0] }))::text[]::\(unsafeRaw: type)[])
                """
        } else {
            found = """
                SELECT \(unsafeRaw: selected.joined(separator: ", ")) FROM \(unsafeRaw: try table(connection, shape)) AS t
                JOIN unnest(\(unnest)) AS u(\(unsafeRaw: arrays.joined(separator: ", "))) ON \(unsafeRaw: join.joined(separator: " AND "))
                """
        }
        var rows: [[String]: [String?]] = [:]
        for row in try side.query(found) {
            let values = row.values
            rows[values.prefix(comparison.key.count).map { $0 ?? "" }] = Array(values.dropFirst(comparison.key.count))
        }
        return rows
    }

    /// Steps 2 and 3 for a table compared as a multiset of rows.
    private func compareMultiset(_ chunking: Chunking, _ chunks: [Int], into result: inout TableDiff) throws {
        func hashes(_ side: DiffSide, _ shape: TableShape) throws -> DiffSide.Cursor {
            let connection = side.connection
            return try side.cursor(
                """
                SELECT h, count(*) FROM (
                    SELECT hashtextextended(\(unsafeRaw: try rowText(connection)), 0) AS h
                    FROM \(unsafeRaw: try table(connection, shape))
                    WHERE \(chunking.rows(in: chunks, hashing: try chunkText(connection)))) AS rows
                GROUP BY h ORDER BY h
                """)
        }
        var wanted: [(change: SchemaChange.Change, hash: String, copies: Int)] = []
        try merge(try hashes(old, comparison.table), try hashes(new, comparison.newTable), key: { Int64($0[0] ?? "") ?? 0 }) {
            left, right in
            let before = Int(left?[1] ?? "0") ?? 0
            let after = Int(right?[1] ?? "0") ?? 0
            guard before != after, let hash = (left ?? right)?[0] ?? nil else { return }
            let change: SchemaChange.Change = after > before ? .added : .removed
            if change == .added { result.added += after - before } else { result.removed += before - after }
            if wanted.count < rowLimit { wanted.append((change, hash, abs(after - before))) }
        }
        guard !wanted.isEmpty else { return }
        let oldRows = try multisetRows(old, comparison.table, hashes: wanted.filter { $0.change == .removed }.map(\.hash))
        let newRows = try multisetRows(new, comparison.newTable, hashes: wanted.filter { $0.change == .added }.map(\.hash))
        result.rows = wanted.map { item in
            item.change == .added
                ? RowChange(change: .added, key: nil, old: nil, new: newRows[item.hash], copies: item.copies)
                : RowChange(change: .removed, key: nil, old: oldRows[item.hash], new: nil, copies: item.copies)
        }
    }

    /// One row for each of these row hashes (a multiset has no index to find them by: one scan).
    private func multisetRows(_ side: DiffSide, _ shape: TableShape, hashes: [String]) throws -> [String: [String?]] {
        guard !hashes.isEmpty else { return [:] }
        let connection = side.connection
        let selected = try comparison.columns.map { "\(try connection.quoteIdentifier($0))::text" }
        var rows: [String: [String?]] = [:]
        for row in try side.query(
            """
            SELECT DISTINCT ON (odb_row_hash) odb_row_hash::text, \(unsafeRaw: selected.joined(separator: ", ")) FROM (
                SELECT hashtextextended(\(unsafeRaw: try rowText(connection)), 0) AS odb_row_hash, *
                FROM \(unsafeRaw: try table(connection, shape))) AS rows
            WHERE odb_row_hash = ANY(\(arrayLiteral(hashes))::bigint[])
            """)
        {
            rows[row.values[0] ?? ""] = Array(row.values.dropFirst())
        }
        return rows
    }
}
