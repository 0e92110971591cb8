/// How the rows of a table are cut into chunks, the same way on both sides of a diff.
enum Chunking {
    /// By a hash of the key's text (of the whole row's, for a multiset), modulo `count`: works for
    /// every table, but the rows of some chunks can only be found again by reading all rows.
    case hashed(count: Int)
    /// By ranges of the key's first column, of `type` (one of `TableShape.rangeTypes`): chunk 0
    /// holds the values below `bounds[0]`, chunk i those from `bounds[i - 1]` up to `bounds[i]`,
    /// chunk `bounds.count` those from the last bound up. The bounds, sorted and distinct, are
    /// sampled on one side and sent to both; the rows of a few chunks are found again through the
    /// key's index.
    case ranges(column: String, type: String, bounds: [String])

    /// About how many rows a chunk holds.
    static let rowsPerChunk = 64
    /// At most this many chunks, so that the chunk lists (and the bounds sent) stay small.
    static let maximumChunks = 1 << 20
    /// At most this many ranges read again through the index in one statement (its planning time
    /// grows with them); more, or over a quarter of the chunks, and all rows are read instead.
    static let maximumRangesRead = 2_000

    /// The chunk of a row: `hashed` is the text of the key or of the row, as SQL.
    func chunk(hashing hashed: String) -> SQL {
        switch self {
        case .hashed(let count):
            return "(hashtext(\(unsafeRaw: hashed)) & 2147483647) % \(unsafeRaw: String(count))"
        case .ranges(let column, let type, let bounds):
            return "width_bucket(\(identifier: column), \(arrayLiteral(bounds))::\(unsafeRaw: type)[])"
        }
    }

    /// A condition true of the rows of these chunks (in increasing order), and of no other.
    func rows(in chunks: [Int], hashing hashed: String) -> SQL {
        func all() -> SQL { "\(chunk(hashing: hashed)) = ANY(\(arrayLiteral(chunks.map(String.init)))::integer[])" }
        guard case .ranges(let column, _, let bounds) = self else { return all() }
        // Runs of neighbouring chunks are one range.
        var runs: [(first: Int, last: Int)] = []
        for chunk in chunks {
            if let last = runs.last, last.last + 1 == chunk {
                runs[runs.count - 1].last = chunk
            } else {
                runs.append((chunk, chunk))
            }
        }
        guard runs.count <= Self.maximumRangesRead, chunks.count * 4 <= bounds.count + 1 else { return all() }
        // One statement built in one pass (appending to a finished `SQL` copies it each time).
        // The bounds are parameters of the column's type, so that the planner sees each range.
        var condition = SQL.StringInterpolation(literalCapacity: 0, interpolationCount: 2 * runs.count)
        condition.appendLiteral("false")
        for run in runs {
            let ends = [
                (">=", run.first > 0 ? bounds[run.first - 1] : nil), ("<", run.last < bounds.count ? bounds[run.last] : nil),
            ]
            .filter { $0.1 != nil }
            condition.appendLiteral(ends.isEmpty ? " OR (true" : " OR (")
            for (index, (comparison, bound)) in ends.enumerated() {
                if index > 0 { condition.appendLiteral(" AND ") }
                condition.appendInterpolation(identifier: column)
                condition.appendLiteral(" \(comparison) ")
                condition.appendInterpolation(bound)
            }
            condition.appendLiteral(")")
        }
        return SQL(stringInterpolation: condition)
    }
}

extension DataDiff {
    /// Ranges of the key when both sides' indexes order it alike and a sample of the larger side
    /// yields enough distinct bounds (a first column with few values cannot be cut finely);
    /// hashes otherwise.
    func chunking() throws -> Chunking {
        let rows = max(comparison.table.estimatedRows, comparison.newTable.estimatedRows)
        let hashed = Chunking.hashed(count: min(Chunking.maximumChunks, max(1, Int(rows) / Chunking.rowsPerChunk)))
        guard let type = comparison.rangeType, let column = comparison.key.first else { return hashed }
        let (side, shape) =
            comparison.newTable.estimatedRows > comparison.table.estimatedRows
            ? (new, comparison.newTable) : (old, comparison.table)
        // BERNOULLI reads every page but keeps only some rows, with no sort of all rows; the same
        // seed on the same pages keeps the same rows. Keeping 4 rows in 64, then every 4th of them,
        // makes ranges of 64 rows on average whose sizes vary less (a row that changed falls in a
        // range of 80 rows on average, not 128): fewer rows to read again.
        let sampled = 4
        let percent = min(
            100.0 * Double(sampled) / Double(Chunking.rowsPerChunk),
            100.0 * Double(sampled * Chunking.maximumChunks) / max(rows, 1))
        let bounds = try side.query(
            """
            SELECT s.bound::text AS bound
            FROM (SELECT d.bound, row_number() OVER (ORDER BY d.bound) AS n
                  FROM (SELECT DISTINCT \(identifier: column) AS bound FROM \(unsafeRaw: try table(side.connection, shape))
                        TABLESAMPLE BERNOULLI (\(unsafeRaw: String(percent))) REPEATABLE (0)) AS d) AS s
            WHERE s.n % \(unsafeRaw: String(sampled)) = 0
            ORDER BY s.bound
            """
        ).map { try $0.string("bound") }
        guard !bounds.isEmpty, Double(bounds.count * Chunking.rowsPerChunk * 4) >= rows else { return hashed }
        return .ranges(column: column, type: type, bounds: bounds)
    }
}
