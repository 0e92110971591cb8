import Foundation

/// One side of a diff: its connection, inside one REPEATABLE READ READ ONLY transaction so that
/// every query sees the same state, and the bytes of the values it has received, so that a diff
/// can say how little it read.
final class DiffSide {
    let connection: Connection
    private(set) var bytesRead: Int64 = 0
    private var cursorCount = 0

    init(_ connection: Connection) { self.connection = connection }

    /// Without JIT: a diff's statements are scans whose cost estimates pass JIT's thresholds on
    /// large tables, and compiling the condition that reads a thousand ranges again took 18 s
    /// where running it took 0.2 s.
    func begin() throws {
        try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try connection.query("SET LOCAL jit = off")
    }

    func end() throws { try connection.query("COMMIT") }

    func rollBack() { _ = try? connection.query("ROLLBACK") }

    /// Runs one statement, counting the bytes of what it returned.
    func query(_ sql: SQL) throws -> Rows {
        let rows = try connection.query(sql)
        count(rows.values)
        return rows
    }

    /// A server-side cursor over `sql`, read `batch` rows at a time: two of them, one a side, are
    /// merged in key order without either result ever being held whole.
    func cursor(_ sql: SQL, batch: Int = 5_000) throws -> Cursor {
        cursorCount += 1
        let name = "odb_diff_\(cursorCount)"
        try connection.query("DECLARE \(identifier: name) NO SCROLL CURSOR FOR \(sql)")
        return Cursor(side: self, name: name, batch: batch)
    }

    fileprivate func count(_ values: [[String?]]) {
        for row in values {
            for value in row { bytesRead += Int64(value?.utf8.count ?? 0) }
        }
    }

    /// Rows of a cursor, fetched a batch at a time; closed when read to the end.
    final class Cursor {
        private let side: DiffSide
        private let name: String
        private let batch: Int
        private var buffer: [[String?]] = []
        private var position = 0
        private var finished = false

        fileprivate init(side: DiffSide, name: String, batch: Int) {
            self.side = side
            self.name = name
            self.batch = batch
        }

        /// The next row's values, in the statement's column order; nil after the last.
        func next() throws -> [String?]? {
            if position == buffer.count {
                guard !finished else { return nil }
                let rows = try side.connection.query("FETCH FORWARD \(unsafeRaw: String(batch)) FROM \(identifier: name)")
                side.count(rows.values)
                buffer = rows.values
                position = 0
                if buffer.count < batch {
                    finished = true
                    try side.connection.query("CLOSE \(identifier: name)")
                }
                if buffer.isEmpty { return nil }
            }
            defer { position += 1 }
            return buffer[position]
        }
    }
}

/// Walks two streams sorted by the same key, calling `body` with the row of the old side, the
/// new side, or both when their keys are equal.
func merge<Key: Comparable>(
    _ old: DiffSide.Cursor, _ new: DiffSide.Cursor, key: ([String?]) throws -> Key,
    _ body: ([String?]?, [String?]?) throws -> Void
) throws {
    var left = try old.next()
    var right = try new.next()
    while left != nil || right != nil {
        if let l = left, let r = right {
            let (lk, rk) = (try key(l), try key(r))
            if lk == rk {
                try body(l, r)
                left = try old.next()
                right = try new.next()
            } else if lk < rk {
                try body(l, nil)
                left = try old.next()
            } else {
                try body(nil, r)
                right = try new.next()
            }
        } else if let l = left {
            try body(l, nil)
            left = try old.next()
        } else if let r = right {
            try body(nil, r)
            right = try new.next()
        }
    }
}

/// Text compared byte by byte, as `COLLATE "C"` orders it: the order of the server's sort and
/// of the client's merge agree whatever the database's collation.
struct ByteOrderedKey: Comparable {
    let parts: [[UInt8]]

    init(_ parts: [String?]) { self.parts = parts.map { Array(($0 ?? "").utf8) } }

    static func < (left: ByteOrderedKey, right: ByteOrderedKey) -> Bool {
        for (l, r) in zip(left.parts, right.parts) where l != r { return l.lexicographicallyPrecedes(r) }
        return left.parts.count < right.parts.count
    }
}

/// A PostgreSQL array literal of text values, for binding as one parameter: `{"a","b\"c"}`.
func arrayLiteral(_ values: [String]) -> String {
    let quoted = values.map { value in
        // Most values (numbers, uuids, hashes) have nothing to escape: skip the slow replacing.
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) else {
            return "\"" + value + "\""
        }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    return "{" + quoted.joined(separator: ",") + "}"
}
