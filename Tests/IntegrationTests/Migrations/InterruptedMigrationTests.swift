import Foundation
import Testing

@testable import Revisions

/// odb killed during a migration, and two migrators at once.
extension Integration {
    @Suite struct InterruptedMigrationTests {
        func tracked(_ sandbox: Sandbox) async throws -> String {
            let database = try sandbox.makeDatabase("mig", rows: [1, 2, 3])
            try await expectSuccess(sandbox.odb(["init", database]))
            return database
        }

        /// Sessions other than `except` on `database`.
        func sessions(on database: String, _ sandbox: Sandbox, except: Int32? = nil) throws -> Int {
            try sandbox.connect().query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = \(database) AND pid <> \(Int(except ?? 0))"
            ).first?.int("n") ?? 0
        }

        @Test func killedDuringATransactionalPatchResumes() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": "CREATE TABLE a ();\nINSERT INTO t VALUES (4);",
                    "patch-1-0-1-std.sql": "CREATE TABLE b ();",
                ])
                let killed = try await sandbox.odb(["migrate"], environment: ["ODB_FAULT": Step.migrateApplied.rawValue])
                #expect(killed.status == "signal 9")
                // The server rolls the patch's transaction back when odb's session goes.
                try await sandbox.waitUntil { try sessions(on: database, sandbox) == 0 }
                #expect(try sandbox.appliedPatches(database).isEmpty)
                #expect(try sandbox.rows(database) == [1, 2, 3])

                let info = try await sandbox.odb(["info"])
                try expectSuccess(info)
                #expect(info.errorOutput.contains("stopped while migrating '\(database)', running patch-1-0-0-std.sql"))
                #expect(info.errorOutput.contains("'odb revert 1' goes back to before the migration"), "\(info.errorOutput)")

                let resumed = try await sandbox.odb(["migrate"])
                try expectSuccess(resumed)
                #expect(try sandbox.appliedPatches(database) == ["patch-1-0-0-std.sql", "patch-1-0-1-std.sql"])
                #expect(try sandbox.rows(database) == [1, 2, 3, 4])
                try sandbox.expectConsistent(database, states: [[1, 2, 3, 4]])
            }
        }

        @Test func killedDuringAConcurrentPatchNamesTheHalfBuiltIndex() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches([
                    "patch-1-0-0-std.sql": "SELECT pg_sleep(8);\nCREATE TABLE a ();",
                    "patch-1-0-1-concurrent.sql": "CREATE INDEX CONCURRENTLY t_x ON t (x);\nVACUUM t;",
                ])
                let migration = Task { try await sandbox.odb(["migrate"]) }
                let pid = try await sandbox.migratorPID()
                // Past the guard's commit (which fences the database), while the first patch sleeps:
                // an open transaction that wrote to t, so that CREATE INDEX CONCURRENTLY makes its
                // (invalid) index, then waits for it.
                let watcher = try sandbox.connect()
                try sandbox.waitUntilWithoutSuspending {
                    try !watcher.query(
                        "SELECT 1 FROM pg_stat_activity WHERE datname = \(database) AND query LIKE 'SELECT pg_sleep%'"
                    ).isEmpty
                }
                let blocker = try sandbox.connect(database)
                try blocker.query("BEGIN")
                try blocker.query("INSERT INTO t VALUES (9)")
                try await sandbox.waitUntil {
                    try !blocker.query(
                        "SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('t_x') AND NOT indisvalid"
                    ).isEmpty
                }
                kill(pid, SIGKILL)
                #expect(try await migration.value.status == "signal 9")
                // odb's sessions set client_connection_check_interval: the server ends the index build.
                try await sandbox.waitUntil { try sessions(on: database, sandbox, except: blocker.backendPID) == 0 }
                try blocker.query("ROLLBACK")

                let info = try await sandbox.odb(["info"])
                #expect(info.errorOutput.contains("running patch-1-0-1-concurrent.sql"), "\(info.errorOutput)")
                let refused = try await sandbox.odb(["migrate"])
                expectOneLine(
                    refused,
                    containing:
                        "the concurrent patch patch-1-0-1-concurrent.sql did not run to its end and left invalid indexes (public.t_x); go back to before the migration with 'odb revert 1'"
                )
                let status = try await sandbox.odb(["migrate", "--status"])
                #expect(status.output.contains("UNFINISHED"))
                #expect(status.output.contains("invalid indexes (left by an unfinished concurrent patch): public.t_x"))

                try await expectSuccess(sandbox.odb(["revert", "1"]))
                #expect(try sandbox.appliedPatches(database).isEmpty)
                try await expectSuccess(sandbox.odb(["migrate"]))
                #expect(try sandbox.appliedPatches(database).count == 2)
                let valid = try sandbox.connect(database).query(
                    "SELECT bool_and(indisvalid) AS v FROM pg_index WHERE indrelid = 't'::regclass"
                ).first?.bool("v")
                #expect(valid == true)
            }
        }

        @Test func twoMigratorsAtOnce() async throws {
            try await withSandbox { sandbox in
                let database = try await tracked(sandbox)
                try sandbox.writePatches(["patch-1-0-0-std.sql": "CREATE TABLE a ();"])
                // Another migrator holds odb's lock on the database: a session of the test, so that
                // it lets go exactly when the test says.
                let holder = try sandbox.connect(sandbox.control)
                let lock: SQL = "\(LockClass.database.rawValue), hashtext(\(database))"
                try holder.query("SELECT pg_advisory_lock(\(lock))")
                let impatient = try await sandbox.odb(["migrate", "--wait", "1"])
                expectOneLine(impatient.withoutWaitingLine, containing: "is working on '\(database)'; wait for it to finish")
                #expect(impatient.errorOutput.hasPrefix("waiting for another odb (postgres, backend pid \(holder.backendPID))"))
                #expect(try sandbox.appliedPatches(database).isEmpty)

                let patient = Task { try await sandbox.odb(["migrate"]) }
                try await sandbox.waitUntil {
                    // This lock only: other tests wait for locks of their own on the same server.
                    try !holder.query(
                        """
                        SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                          AND objid = hashtext(\(database))::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        """
                    ).isEmpty
                }
                try holder.query("SELECT pg_advisory_unlock(\(lock))")
                let second = try await patient.value
                try expectSuccess(second)
                #expect(second.errorOutput.contains("waiting for another odb"))
                #expect(try sandbox.appliedPatches(database) == ["patch-1-0-0-std.sql"])
                #expect(try sandbox.revisionCount() == 1)
            }
        }
    }
}
