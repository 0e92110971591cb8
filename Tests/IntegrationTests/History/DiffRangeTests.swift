import Foundation
import Testing

@testable import Revisions

/// Row diffs of keyed tables cut into ranges of the key (`Chunking.ranges`), and the tables that
/// are cut by hashes instead.
extension Integration {
    @Suite struct DiffRangeTests {
        /// How the diff of these two databases cuts `table` into chunks.
        func chunking(_ old: Connection, _ new: Connection, _ table: String) throws -> Chunking {
            let (oldSide, newSide) = (DiffSide(old), DiffSide(new))
            let before = try #require(try TableShape.read(on: old, counting: oldSide)["public.\(table)"])
            let after = try #require(try TableShape.read(on: new, counting: newSide)["public.\(table)"])
            let comparison = TableComparison(old: before, new: after)
            return try DataDiff(old: oldSide, new: newSide, comparison: comparison, rowLimit: 0).chunking()
        }

        /// The whole reads of `table` this session has made and others have reported, flushed to the
        /// statistics first; waits up to 10 s for at least `atLeast` (a session that ended
        /// reports its own a moment later).
        func sequentialScans(_ connection: Connection, _ table: String, atLeast: Int = 0) throws -> Int {
            let deadline = Date().addingTimeInterval(10)
            while true {
                try connection.query("SELECT pg_stat_force_next_flush()")
                let rows = try connection.query("SELECT seq_scan FROM pg_stat_user_tables WHERE relid = \(table)::regclass")
                let scans = try rows[0].int("seq_scan")
                if scans >= atLeast || Date() > deadline { return scans }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }

        /// Rows before the first bound and after the last (keys only the new side has, the bounds
        /// being sampled from the old side, larger for the new one is rewritten without), a run of ranges only the old side has rows in,
        /// and changes to NULLs, 'NULL', bytea, jsonb, arrays and a TOASTed value in between.
        @Test func rangesOpenAtBothEndsAndKeysOnOneSideOnly() async throws {
            try await withSandbox { sandbox in
                let (old, new) = try DiffTests().pair(
                    sandbox,
                    setup: """
                        CREATE TABLE t (id bigint PRIMARY KEY, b bytea, j jsonb, a text[], big text);
                        INSERT INTO t SELECT g, decode(lpad(to_hex(g), 6, '0'), 'hex'), jsonb_build_object('g', g), ARRAY['x', g::text], 'v' || g FROM generate_series(1, 20000) g;
                        ANALYZE t
                        """,
                    change: """
                        CREATE TABLE kept AS SELECT * FROM t WHERE id NOT BETWEEN 5001 AND 8000;
                        TRUNCATE t;
                        INSERT INTO t SELECT * FROM kept;
                        DROP TABLE kept;
                        INSERT INTO t VALUES (-5, NULL, NULL, NULL, NULL), (1000000, '\\x00', '[]', ARRAY[NULL, 'NULL'], 'NULL');
                        INSERT INTO t SELECT g, NULL, NULL, NULL, 'new' FROM generate_series(30000, 30999) g;
                        UPDATE t SET big = repeat('x', 1200000) WHERE id = 2;
                        UPDATE t SET big = NULL WHERE id = 10000;
                        UPDATE t SET a = ARRAY[NULL, 'NULL'] WHERE id = 19999;
                        ANALYZE t
                        """)
                guard case .ranges(let column, let type, let bounds) = try chunking(old, new, "t") else {
                    Issue.record("not cut into ranges")
                    return
                }
                #expect((column, type) == ("id", "bigint"))
                #expect((200...450).contains(bounds.count), "\(bounds.count) bounds")
                #expect(bounds.compactMap { Int($0) }.allSatisfy { (1...20000).contains($0) })

                let report = try Differ(old: old, new: new).diff(DiffOptions(schema: false, rows: 5000))
                let table = try #require(report.tables?.first)
                #expect((table.added, table.removed, table.changed) == (1002, 3000, 3))
                #expect(table.rows.count == 4005)
                let rows = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.key ?? [], $0) })
                #expect(rows[["-5"]]?.change == .added)
                #expect(rows[["-5"]]?.new == ["-5", nil, nil, nil, nil])
                #expect(rows[["1000000"]]?.new == ["1000000", "\\x00", "[]", "{NULL,\"NULL\"}", "NULL"])
                #expect(rows[["30999"]]?.change == .added)
                #expect(rows[["5001"]]?.change == .removed)
                #expect(rows[["8000"]]?.old?[2] == "{\"g\": 8000}")
                #expect(rows[["2"]]?.new?[4]?.count == 1_200_000)
                #expect(rows[["10000"]]?.old?[4] == "v10000")
                #expect(rows[["10000"]]?.new?[4] == nil)
                #expect(rows[["19999"]]?.new?[3] == "{NULL,\"NULL\"}")
                #expect(report.stats.chunks == bounds.count + 1)
            }
        }

        /// A few rows apart: each side's table is read whole once, the changed ranges again
        /// through the key's index, not by a second whole read.
        @Test func fewRowsApartReadEachSideWholeOnce() async throws {
            try await withSandbox { sandbox in
                let (old, new) = try DiffTests().pair(
                    sandbox,
                    setup: """
                        CREATE TABLE t (id integer PRIMARY KEY, v text);
                        INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 20000) g;
                        ANALYZE t
                        """,
                    change: "UPDATE t SET v = 'changed' WHERE id IN (3, 7000, 15000)")
                // Building the primary key read the table whole, in the setup's session.
                let before = (try sequentialScans(old, "t", atLeast: 1), try sequentialScans(new, "t", atLeast: 1))
                #expect(before == (1, 1))
                let report = try Differ(old: old, new: new).diff(DiffOptions(schema: false))
                #expect(report.tables?.first?.changed == 3)
                #expect(report.tables?.first?.rows.map(\.key) == [["15000"], ["3"], ["7000"]])
                #expect(report.stats.chunksDiffering == 3)
                #expect(try sequentialScans(old, "t") == 2)
                #expect(try sequentialScans(new, "t") == 2)
            }
        }

        /// Hashes where ranges cannot be cut alike or finely (a key of text, a first column of
        /// four values, a key retyped or reordered on one side, no key, an empty table), ranges of
        /// uuids and of a two-column key's first column, and tables filled or emptied on one side:
        /// every one compared right.
        @Test func chunkingByTableShape() async throws {
            try await withSandbox { sandbox in
                var setup: [String] = []
                for (table, columns, values) in [
                    ("texts", "code text PRIMARY KEY, v int", "'c' || g, g"),
                    ("few", "grp int, n int, v int, PRIMARY KEY (grp, n)", "g % 4, g, g"),
                    ("retyped", "id int PRIMARY KEY, v int", "g, g"),
                    ("reordered", "a int, b int, v int, CONSTRAINT reordered_key PRIMARY KEY (a, b)", "g, g % 3, g"),
                    ("bag", "id int, v int", "g, g"),
                    ("uuids", "id uuid PRIMARY KEY, v int", "md5(g::text)::uuid, g"),
                    ("pairs", "a int, b int, v int, PRIMARY KEY (a, b)", "g, g % 3, g"),
                    ("emptied", "id int PRIMARY KEY, v int", "g, g"),
                ] {
                    setup.append("CREATE TABLE \(table) (\(columns))")
                    setup.append("INSERT INTO \(table) SELECT \(values) FROM generate_series(1, 5000) g")
                }
                setup += ["CREATE TABLE empty (id int PRIMARY KEY)", "CREATE TABLE grown (id int PRIMARY KEY, v int)", "ANALYZE"]
                let change = [
                    "UPDATE texts SET v = 0 WHERE code = 'c7'", "UPDATE few SET v = 0 WHERE n = 7",
                    "ALTER TABLE retyped ALTER COLUMN id TYPE bigint", "UPDATE retyped SET v = 0 WHERE id = 7",
                    "ALTER TABLE reordered DROP CONSTRAINT reordered_key", "ALTER TABLE reordered ADD PRIMARY KEY (b, a)",
                    "UPDATE reordered SET v = 0 WHERE a = 7", "UPDATE bag SET v = 0 WHERE id = 7",
                    "UPDATE uuids SET v = 0 WHERE v = 7", "UPDATE pairs SET v = 0 WHERE a = 7",
                    "DELETE FROM emptied", "INSERT INTO grown SELECT g, g FROM generate_series(1, 5000) g", "ANALYZE",
                ]
                let (old, new) = try DiffTests().pair(
                    sandbox, setup: setup.joined(separator: ";\n"), change: change.joined(separator: ";\n"))
                for table in ["texts", "few", "retyped", "reordered", "bag", "empty"] {
                    guard case .hashed = try chunking(old, new, table) else {
                        Issue.record("\(table) is not cut by hashes")
                        continue
                    }
                }
                for (table, column) in [("uuids", "id"), ("pairs", "a"), ("grown", "id"), ("emptied", "id")] {
                    guard case .ranges(column, _, _) = try chunking(old, new, table) else {
                        Issue.record("\(table) is not cut into ranges of \(column)")
                        continue
                    }
                }
                let report = try Differ(old: old, new: new).diff(DiffOptions(schema: false, rows: 0))
                let counts = Dictionary(
                    uniqueKeysWithValues: (report.tables ?? []).map { ($0.table, [$0.added, $0.removed, $0.changed]) })
                #expect(
                    counts == [
                        "public.texts": [0, 0, 1], "public.few": [0, 0, 1], "public.retyped": [0, 0, 1],
                        "public.reordered": [0, 0, 1], "public.bag": [1, 1, 0], "public.uuids": [0, 0, 1],
                        "public.pairs": [0, 0, 1], "public.emptied": [0, 5000, 0], "public.grown": [5000, 0, 0],
                    ])
            }
        }
    }
}
