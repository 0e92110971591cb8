import Foundation
import Testing

@testable import Revisions

/// `odb migrate` through the binary, on the tests' own server: order, types in and out of a
/// transaction, which patches run, dry runs, status, strays, the guard and its revert.
extension Integration {
    @Suite struct MigrateTests {
        /// A tracked database (table `t` holding 1, 2, 3), current in the sandbox's project.
        func tracked(_ sandbox: Sandbox) async throws -> String {
            let database = try sandbox.makeDatabase("mig", rows: [1, 2, 3])
            try await expectSuccess(sandbox.odb(["init", database]))
            return database
        }

        @Test func numericOrderEachTypeAndOnlyPending() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-2-10-0-std.sql": "CREATE TABLE late (x integer);",
                    "patch-2-2-22-std.sql": "CREATE TABLE early (x integer);",
                    "patch-2-2-23-concurrent.sql": "CREATE INDEX CONCURRENTLY t_x ON t (x);\nVACUUM t;",
                    "patch-2-3-0-direct.sql": "ALTER TABLE early ADD COLUMN y text;",
                    "notes.txt": "not a patch",
                ])
                let first = try await sandbox.odb(["migrate"])
                try expectSuccess(first)
                #expect(first.output.contains("Committed revision 1 before the migration"), "\(first.output)")
                #expect(
                    try sandbox.appliedPatches(database) == [
                        "patch-2-2-22-std.sql", "patch-2-2-23-concurrent.sql", "patch-2-3-0-direct.sql", "patch-2-10-0-std.sql",
                    ])
                let valid = try sandbox.connect(database).query(
                    "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x'::regclass"
                ).first?.bool("indisvalid")
                #expect(valid == true)
                let times = try sandbox.connect(database).query(
                    "SELECT bool_and(end_time >= start_time AND start_time > now() - interval '1 hour') AS real, count(DISTINCT start_time) AS n, bool_and(applied_by <> '' AND length(sha256) = 64) AS who FROM odb.patches"
                ).first
                #expect(try times?.bool("real") == true)
                #expect(try times?.int("n") == 4)
                #expect(try times?.bool("who") == true)

                let again = try await sandbox.odb(["migrate"])
                try expectSuccess(again)
                #expect(again.output.contains("Nothing to migrate"))
                try sandbox.writePatches(["patch-2-10-1-std.sql": "INSERT INTO late VALUES (1);"])
                let more = try await sandbox.odb(["migrate", "--json"])
                try expectSuccess(more)
                #expect(more.output.contains("\"file\" : \"patch-2-10-1-std.sql\""))
                #expect(!more.output.contains("patch-2-10-0-std.sql"))
                #expect(try sandbox.appliedPatches(database).count == 5)
            }
        }

        /// What a hand-written splitter gets wrong, split as the server would by its own parser:
        /// semicolons inside dollar quotes, comments and E'' strings, applied by a transactional and
        /// a concurrent patch; the concurrent one also adds an enum value, which no transaction takes.
        @Test func patchesSplitAsTheServerWould() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": #"""
                    CREATE TYPE mood AS ENUM ('sad');
                    -- a comment; with a semicolon
                    CREATE FUNCTION odd() RETURNS text LANGUAGE plpgsql AS $body$
                    BEGIN
                        RETURN 'a;b' || $$;$$; -- still inside the body;
                    END
                    $body$;
                    /* a block comment; /* nested; */ still one */
                    CREATE TABLE notes (v text DEFAULT E'it\'s; fine');
                    """#,
                    "patch-1-0-1-concurrent.sql": #"""
                    ALTER TYPE mood ADD VALUE 'happy'; -- not in a transaction block
                    INSERT INTO notes VALUES (E'one;\ntwo'), (odd());
                    CREATE INDEX CONCURRENTLY notes_v ON notes (v);
                    """#,
                ])
                let result = try await sandbox.odb(["migrate"])
                try expectSuccess(result)
                let connection = try sandbox.connect(database)
                #expect(try connection.query("SELECT odd() AS v").first?.string("v") == "a;b;")
                #expect(
                    try connection.query("SELECT string_agg(v, '|' ORDER BY v) AS v FROM notes").first?.string("v")
                        == "a;b;|one;\ntwo")
                #expect(
                    try connection.query("SELECT enum_range(NULL::mood)::text AS v").first?.string("v") == "{sad,happy}")
                #expect(try sandbox.appliedPatches(database) == ["patch-1-0-0-std.sql", "patch-1-0-1-concurrent.sql"])
                #expect(try connection.query("INSERT INTO notes DEFAULT VALUES RETURNING v").first?.string("v") == "it's; fine")
            }
        }

        @Test func concurrentStatementInStdPatchFailsCleanly() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches(["patch-1-0-0-std.sql": "\n\nCREATE INDEX CONCURRENTLY t_x ON t (x);"])
                let result = try await sandbox.odb(["migrate"])
                expectOneLine(
                    result,
                    containing: "patch-1-0-0-std.sql, line 3: CREATE INDEX CONCURRENTLY cannot run inside a transaction block")
                #expect(result.errorOutput.contains("reverted to revision 1"))
                #expect(try sandbox.appliedPatches(database).isEmpty)
                #expect(try sandbox.rows(database) == [1, 2, 3])
            }
        }

        @Test func groupOneAndType() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": "CREATE TABLE a ();", "patch-1-0-1-std.sql": "CREATE TABLE b ();",
                    "patch-1-0-2-direct.sql": "CREATE TABLE c ();", "patch-1-0-3-concurrent.sql": "VACUUM t;",
                    "patch-1-0-4-std.sql": "CREATE TABLE d ();",
                ])
                try await expectSuccess(sandbox.odb(["migrate", "-1"]))
                #expect(try sandbox.appliedPatches(database) == ["patch-1-0-0-std.sql"])
                try await expectSuccess(sandbox.odb(["migrate", "--group"]))
                #expect(try sandbox.appliedPatches(database).count == 2)
                try await expectSuccess(sandbox.odb(["migrate", "--group"]))
                #expect(
                    try sandbox.appliedPatches(database).suffix(2) == ["patch-1-0-2-direct.sql", "patch-1-0-3-concurrent.sql"])
                try sandbox.writePatches(["patch-1-0-5-direct.sql": "CREATE TABLE e ();"])
                let typed = try await sandbox.odb(["migrate", "--type", "direct"])
                try expectSuccess(typed)
                #expect(try sandbox.appliedPatches(database).last == "patch-1-0-5-direct.sql")
                #expect(typed.output.contains("1 patch left: patch-1-0-4-std.sql"), "\(typed.output)")
                #expect(try await sandbox.odb(["migrate", "--type", "weird"]).status == "exit status 64")
            }
        }

        @Test func dryRunLeavesTheSchemaByteIdentical() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": "CREATE TABLE a (x integer PRIMARY KEY);\nINSERT INTO t VALUES (9);",
                    "patch-1-0-1-concurrent.sql": "CREATE INDEX CONCURRENTLY a_x ON t (x);",
                    "patch-1-0-2-direct.sql": "ALTER TABLE t ADD COLUMN y text;",
                ])
                let before = try await sandbox.dump(database)
                let result = try await sandbox.odb(["migrate", "--dry-run"])
                try expectSuccess(result)
                #expect(result.output.contains("ran and rolled back patch-1-0-0-std.sql"))
                #expect(result.output.contains("would run patch-1-0-1-concurrent.sql"))
                #expect(try await sandbox.dump(database) == before)
                #expect(try sandbox.rows(database) == [1, 2, 3])
                #expect(try sandbox.revisionCount() == 0)
            }
        }

        @Test func statusWithChangedAndMissingFiles() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": "CREATE TABLE a ();", "patch-1-0-1-std.sql": "CREATE TABLE b ();",
                    "patch-1-0-2-std.sql": "CREATE TABLE c ();",
                ])
                try await expectSuccess(sandbox.odb(["migrate", "--group"]))
                try sandbox.writePatches([
                    "patch-1-0-1-std.sql": "CREATE TABLE b (); -- edited", "patch-1-0-3-std.sql": "CREATE TABLE d ();",
                ])
                try FileManager.default.removeItem(atPath: sandbox.migrations + "/patch-1-0-2-std.sql")
                let status = try await sandbox.odb(["migrate", "--status"])
                try expectSuccess(status)
                let lines = status.output.split(separator: "\n")
                #expect(
                    lines.contains { $0.contains("patch-1-0-0-std.sql") && !$0.contains("CHANGED") && !$0.contains("MISSING") })
                #expect(lines.contains { $0.contains("patch-1-0-1-std.sql") && $0.contains("CHANGED since applied") })
                #expect(lines.contains { $0.contains("patch-1-0-2-std.sql") && $0.contains("file MISSING") })
                #expect(lines.contains { $0.hasPrefix("pending  patch-1-0-3-std.sql") })
                let json = try await sandbox.odb(["migrate", "--status", "--json"])
                #expect(json.output.contains("\"state\" : \"changed\""))
                #expect(json.output.contains("\"appliedBy\""))

                expectOneLine(
                    try await sandbox.odb(["migrate"]), containing: "applied patches have changed since (patch-1-0-1-std.sql)")
                #expect(try sandbox.appliedPatches(database).count == 3)
                let accepted = try await sandbox.odb(["migrate", "--accept-changed"])
                try expectSuccess(accepted)
                #expect(accepted.output.contains("Recorded the new contents of patch-1-0-1-std.sql"))
                #expect(try sandbox.appliedPatches(database).last == "patch-1-0-3-std.sql")
            }
        }

        @Test(arguments: ["patch-1-2.sql", "patch-1-2-3-weird.sql"])
        func strayFilesAreRefused(_ stray: String) async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches(["patch-1-0-0-std.sql": "CREATE TABLE a ();", stray: "SELECT 1;"])
                expectOneLine(try await sandbox.odb(["migrate"]), containing: "'\(stray)' looks like a patch")
                try sandbox.writePatches(["patch-1-2-3-std.sql": "", "patch-1-2-3-concurrent.sql": ""])
                try FileManager.default.removeItem(atPath: sandbox.migrations + "/" + stray)
                expectOneLine(try await sandbox.odb(["migrate"]), containing: "two patches have the number 1-2-3")
                #expect(try sandbox.appliedPatches(database).isEmpty)
                expectOneLine(try await sandbox.odb(["migrate", "nowhere"]), containing: "no migrations folder")
            }
        }

        @Test func failingPatchInTheMiddleOfFiveRevertsToTheGuard() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches(["patch-1-0-0-std.sql": "CREATE TABLE base (x integer);"])
                try await expectSuccess(sandbox.odb(["migrate"]))
                try sandbox.writePatches([
                    "patch-1-1-0-std.sql": "INSERT INTO t VALUES (4);\nCREATE TABLE one (x integer);",
                    "patch-1-1-1-concurrent.sql": "CREATE INDEX CONCURRENTLY t_x ON t (x);",
                    "patch-1-1-2-std.sql": "INSERT INTO base VALUES (1);\n\n-- the mistake:\nUPDATE nope SET x = 1;",
                    "patch-1-1-3-std.sql": "CREATE TABLE four ();", "patch-1-1-4-direct.sql": "CREATE TABLE five ();",
                ])
                let schema = try await sandbox.dump(database)
                let everything = try await sandbox.dump(database, schemaOnly: false)
                let result = try await sandbox.odb(["migrate"])
                expectOneLine(
                    result,
                    containing:
                        "patch-1-1-2-std.sql, line 4: relation \"nope\" does not exist; reverted to revision 2, committed before the migration, undoing patch-1-1-0-std.sql, patch-1-1-1-concurrent.sql"
                )
                #expect(try await sandbox.dump(database) == schema)
                #expect(try await sandbox.dump(database, schemaOnly: false) == everything)
                #expect(try sandbox.appliedPatches(database) == ["patch-1-0-0-std.sql"])
                let log = try await sandbox.odb(["log"])
                #expect(log.output.contains("before migrate: patch-1-1-0 … patch-1-1-4"), "\(log.output)")
                try sandbox.expectConsistent(database, states: [[1, 2, 3]])
            }
        }

        @Test func noGuardLeavesThePatchesBeforeApplied() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": "INSERT INTO t VALUES (4);", "patch-1-0-1-std.sql": "SELECT 1/0;",
                ])
                let result = try await sandbox.odb(["migrate", "--no-guard"])
                expectOneLine(
                    result,
                    containing: "division by zero; without a guard the patches before it stay applied: patch-1-0-0-std.sql")
                #expect(try sandbox.rows(database) == [1, 2, 3, 4])
                #expect(try sandbox.appliedPatches(database) == ["patch-1-0-0-std.sql"])
                #expect(try sandbox.revisionCount() == 0)
            }
        }

        @Test func protectedDatabaseMigratesButIsNeverRevertedByOdb() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try await expectSuccess(sandbox.odb(["protect"]))
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": "INSERT INTO t VALUES (4);", "patch-1-0-1-std.sql": "SELECT 1/0;",
                ])
                let result = try await sandbox.odb(["migrate"])
                expectOneLine(result, containing: "the database is protected, so odb did not revert it")
                #expect(result.errorOutput.contains("'odb protect --off' then 'odb revert 1'"))
                #expect(try sandbox.rows(database) == [1, 2, 3, 4])
                try await expectSuccess(sandbox.odb(["protect", "--off"]))
                try await expectSuccess(sandbox.odb(["revert", "1"]))
                #expect(try sandbox.rows(database) == [1, 2, 3])
                #expect(try sandbox.appliedPatches(database).isEmpty)
            }
        }
    }
}
