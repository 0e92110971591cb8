import Foundation
import Testing

@testable import Revisions

/// `odb diff`'s engine on two plain databases (the command on revisions: `DiffCommandLineTests`).
extension Integration {
    @Suite struct DiffTests {
        /// Two databases of a sandbox made from one setup script, then changed by another.
        func pair(_ sandbox: Sandbox, setup: String, change: String) throws -> (old: Connection, new: Connection) {
            let admin = try sandbox.connect()
            let oldName = sandbox.name("old")
            let newName = sandbox.name("new")
            try admin.query("CREATE DATABASE \(identifier: oldName)")
            try admin.query("CREATE DATABASE \(identifier: newName)")
            let old = try sandbox.connect(oldName)
            let new = try sandbox.connect(newName)
            for statement in setup.split(separator: ";\n") {
                try old.query("\(unsafeRaw: String(statement))")
                try new.query("\(unsafeRaw: String(statement))")
            }
            for statement in change.split(separator: ";\n") { try new.query("\(unsafeRaw: String(statement))") }
            return (try sandbox.connect(oldName), try sandbox.connect(newName))
        }

        func changes(_ report: DiffReport) -> [String] {
            (report.schema ?? []).map { "\($0.change.rawValue) \($0.kind.rawValue) \($0.name)" }
        }

        @Test func identicalDatabasesHaveNoDifferences() async throws {
            try await withSandbox { sandbox in
                let (old, new) = try pair(
                    sandbox,
                    setup:
                        "CREATE TABLE t (id int PRIMARY KEY, v text);\nINSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g",
                    change: "")
                let report = try Differ(old: old, new: new).diff(DiffOptions())
                #expect(report.isEmpty)
                #expect(report.stats.tablesCompared == 1)
                #expect(report.stats.chunksDiffering == 0)
                #expect(try SchemaSnapshot.read(on: old).digest == (try SchemaSnapshot.read(on: new).digest))
            }
        }

        /// Each kind of schema object, added, removed or changed.
        @Test func schemaChangesOfEveryKind() async throws {
            try await withSandbox { sandbox in
                let role = try sandbox.makeRole("reader")
                let setup = """
                    CREATE SCHEMA gone;
                    CREATE TABLE t (id int PRIMARY KEY, a int, b text, c text);
                    CREATE INDEX t_a ON t (a);
                    CREATE VIEW v AS SELECT id FROM t;
                    CREATE MATERIALIZED VIEW m AS SELECT id FROM t;
                    CREATE SEQUENCE s INCREMENT 1;
                    CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
                    CREATE FUNCTION trig() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
                    CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trig();
                    ALTER TABLE t ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY p ON t USING (id > 0)
                    """
                let change = """
                    DROP SCHEMA gone;
                    CREATE SCHEMA extra;
                    CREATE EXTENSION pg_trgm;
                    CREATE TABLE extra.u (x int);
                    ALTER TABLE t ALTER COLUMN a TYPE bigint;
                    ALTER TABLE t ALTER COLUMN b SET DEFAULT 'x';
                    ALTER TABLE t ALTER COLUMN b SET NOT NULL;
                    ALTER TABLE t ALTER COLUMN c TYPE text COLLATE "C";
                    ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0);
                    DROP INDEX t_a;
                    CREATE INDEX t_b ON t (b);
                    CREATE OR REPLACE VIEW v AS SELECT id, a FROM t;
                    DROP MATERIALIZED VIEW m;
                    ALTER SEQUENCE s INCREMENT 5;
                    CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 2';
                    DROP TRIGGER tr ON t;
                    CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trig();
                    ALTER POLICY p ON t USING (id > 1);
                    GRANT SELECT ON t TO \(role)
                    """
                let (old, new) = try pair(sandbox, setup: setup, change: change)
                let report = try Differ(old: old, new: new).diff(DiffOptions(data: false))
                let found = changes(report)
                for expected in [
                    "removed schema gone", "added schema extra", "added extension pg_trgm", "added table extra.u",
                    "added column extra.u.x", "changed column public.t.a", "changed column public.t.b",
                    "changed column public.t.c", "added constraint public.t.a_positive", "removed index public.t_a",
                    "added index public.t_b", "changed view public.v", "removed materialized view public.m",
                    "changed sequence public.s", "changed function public.f(x integer)", "changed trigger public.t.tr",
                    "changed policy public.t.p", "added grant table public.t",
                ] {
                    #expect(found.contains(expected), "\(expected) in \(found)")
                }
                // The extension's own functions are the extension's, not listed one by one.
                #expect(!found.contains { $0.contains("similarity") })
                let column = try #require(report.schema?.first { $0.name == "public.t.a" })
                #expect(column.old == "integer")
                #expect(column.new == "bigint")
                #expect(report.schema?.first { $0.name == "public.t.b" }?.new == "text NOT NULL DEFAULT 'x'::text")
                #expect(report.schema?.first { $0.name == "public.t.c" }?.new == "text COLLATE pg_catalog.\"C\"")
                #expect(report.tables == nil)
                #expect(try SchemaSnapshot.read(on: old).digest != (try SchemaSnapshot.read(on: new).digest))
                // --table keeps only the objects of the tables it names.
                let only = try Differ(old: old, new: new).diff(DiffOptions(data: false, tables: TablePattern("u")))
                #expect(changes(only) == ["added table extra.u", "added column extra.u.x"])
            }
        }

        /// Inserts, deletes and updates on a table with a primary key, one with a unique key and
        /// one with none, with NULLs, bytea, jsonb, arrays and a TOASTed value over 1 MB.
        @Test func rowsAddedRemovedAndChanged() async throws {
            try await withSandbox { sandbox in
                let columns = "n int, b bytea, j jsonb, a text[], big text"
                let values =
                    "SELECT g, decode(lpad(to_hex(g), 4, '0'), 'hex'), jsonb_build_object('g', g), ARRAY['x', g::text], 'v' || g FROM generate_series(1, 300) g"
                let setup = """
                    CREATE TABLE keyed (id int PRIMARY KEY, \(columns));
                    INSERT INTO keyed SELECT g, * FROM (\(values)) v;
                    CREATE TABLE uniq (code text NOT NULL UNIQUE, \(columns));
                    INSERT INTO uniq SELECT 'c' || g, * FROM (\(values)) v;
                    CREATE TABLE bag (\(columns));
                    INSERT INTO bag \(values);
                    INSERT INTO bag \(values)
                    """
                let change = """
                    INSERT INTO keyed VALUES (1000, NULL, NULL, NULL, NULL, NULL);
                    DELETE FROM keyed WHERE id = 7;
                    UPDATE keyed SET big = repeat('x', 1200000) WHERE id = 8;
                    UPDATE keyed SET n = NULL, b = '\\x00ff', j = '{"k": [1, null]}', a = ARRAY[NULL, 'NULL'] WHERE id = 9;
                    UPDATE keyed SET big = 'NULL' WHERE id = 10;
                    INSERT INTO uniq VALUES ('new', 1, NULL, NULL, NULL, NULL);
                    DELETE FROM uniq WHERE code = 'c3';
                    UPDATE uniq SET j = '[]' WHERE code = 'c4';
                    DELETE FROM bag WHERE ctid = (SELECT min(ctid) FROM bag WHERE n = 5);
                    INSERT INTO bag VALUES (NULL, NULL, NULL, NULL, NULL), (NULL, NULL, NULL, NULL, 'NULL'), (1, NULL, NULL, NULL, NULL)
                    """
                let (old, new) = try pair(sandbox, setup: setup, change: change)
                let report = try Differ(old: old, new: new).diff(DiffOptions(schema: false, rows: 100))
                #expect(report.schema == nil)
                let tables = try #require(report.tables)
                #expect(tables.map(\.table) == ["public.bag", "public.keyed", "public.uniq"])

                let keyed = tables[1]
                #expect(keyed.method == .primaryKey)
                #expect(keyed.key == ["id"])
                #expect((keyed.added, keyed.removed, keyed.changed) == (1, 1, 3))
                let rows = Dictionary(uniqueKeysWithValues: keyed.rows.map { ($0.key ?? [], $0) })
                #expect(rows[["1000"]]?.change == .added)
                #expect(rows[["1000"]]?.new == ["1000", nil, nil, nil, nil, nil])
                #expect(rows[["7"]]?.change == .removed)
                #expect(rows[["7"]]?.old?[2] == "\\x0007")
                #expect(rows[["8"]]?.new?[5]?.count == 1_200_000)
                #expect(rows[["9"]]?.new == ["9", nil, "\\x00ff", "{\"k\": [1, null]}", "{NULL,\"NULL\"}", "v9"])
                #expect(rows[["9"]]?.old == ["9", "9", "\\x0009", "{\"g\": 9}", "{x,9}", "v9"])
                #expect(rows[["10"]]?.new?[5] == "NULL")
                #expect(keyed.columns == ["id", "n", "b", "j", "a", "big"])

                let uniq = tables[2]
                #expect(uniq.method == .uniqueKey)
                #expect(uniq.key == ["code"])
                #expect((uniq.added, uniq.removed, uniq.changed) == (1, 1, 1))

                let bag = tables[0]
                #expect(bag.method == .multiset)
                #expect((bag.added, bag.removed, bag.changed) == (3, 1, 0))
                #expect(bag.rows.filter { $0.change == .added }.compactMap(\.new).contains([nil, nil, nil, nil, "NULL"]))
                #expect(bag.rows.filter { $0.change == .added }.compactMap(\.new).contains([nil, nil, nil, nil, nil]))
                #expect(bag.rows.first { $0.change == .removed }?.old?[0] == "5")

                // Counts need no rows; fewer rows than differ are fetched when asked for fewer.
                let counts = try Differ(old: old, new: new).diff(DiffOptions(schema: false, rows: 0))
                #expect(counts.tables?.map { $0.added + $0.removed + $0.changed } == [4, 5, 3])
                #expect(counts.tables?.allSatisfy(\.rows.isEmpty) == true)
                #expect(counts.stats.bytesRead < report.stats.bytesRead)
                let one = try Differ(old: old, new: new).diff(DiffOptions(schema: false, tables: TablePattern("k*"), rows: 1))
                #expect(one.tables?.map(\.table) == ["public.keyed"])
                #expect(one.tables?.first?.rows.count == 1)
            }
        }

        /// Columns only one side has are left out and said to be; a table only one side has is
        /// named, not compared.
        @Test func columnsAndTablesOnOneSide() async throws {
            try await withSandbox { sandbox in
                let (old, new) = try pair(
                    sandbox,
                    setup:
                        "CREATE TABLE t (id int PRIMARY KEY, v int);\nINSERT INTO t VALUES (1, 1), (2, 2);\nCREATE TABLE gone (x int)",
                    change:
                        "ALTER TABLE t ADD COLUMN w int DEFAULT 5;\nUPDATE t SET v = 3 WHERE id = 2;\nDROP TABLE gone;\nCREATE TABLE fresh (y int)"
                )
                let report = try Differ(old: old, new: new).diff(DiffOptions(schema: false))
                let table = try #require(report.tables?.first)
                #expect(table.columns == ["id", "v"])
                #expect(table.columnsOnlyNew == ["w"])
                #expect(table.changed == 1)
                #expect(report.tablesOnlyOld == ["public.gone"])
                #expect(report.tablesOnlyNew == ["public.fresh"])
                #expect(!report.isEmpty)
            }
        }

        /// A key of two columns, one of them text with quotes and commas, found row by row.
        @Test func aKeyOfTwoColumns() async throws {
            try await withSandbox { sandbox in
                let (old, new) = try pair(
                    sandbox,
                    setup: """
                        CREATE TABLE pairs (a text, b int, v int, PRIMARY KEY (a, b));
                        INSERT INTO pairs SELECT 'x"y, (' || (g % 7), g, g FROM generate_series(1, 200) g
                        """,
                    change: "UPDATE pairs SET v = -1 WHERE b = 10;\nDELETE FROM pairs WHERE b = 11")
                let report = try Differ(old: old, new: new).diff(DiffOptions(schema: false))
                let table = try #require(report.tables?.first)
                #expect(table.key == ["a", "b"])
                #expect((table.changed, table.removed) == (1, 1))
                #expect(table.rows.map(\.key) == [["x\"y, (3", "10"], ["x\"y, (4", "11"]])
                #expect(table.rows.first?.new == ["x\"y, (3", "10", "-1"])
                #expect(table.rows.last?.old == ["x\"y, (4", "11", "11"])
            }
        }
    }
}
