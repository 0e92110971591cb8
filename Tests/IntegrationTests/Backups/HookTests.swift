import Foundation
import Testing

@testable import Revisions

/// Hooks: the user's command lines, given their context only through the environment.
extension Integration {
    @Suite struct HookTests {
        @Test func preDumpHooksRefuseOrPass() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("predump", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let refused = try await sandbox.odb(["dump", "--pre-dump", "echo 'data not anonymised' >&2; exit 3"])
                expectOneLine(refused, containing: "data not anonymised")
                #expect(sandbox.dumpFiles().isEmpty)
                // The context is in the environment: the hook sees the database and the key about to be written.
                let manifest = try await sandbox.dump(["--pre-dump", "printf '%s\\n' \"$PGDATABASE\" \"$ODB_KEY\" > hook.out"])
                let seen = try String(contentsOfFile: sandbox.directory + "/hook.out", encoding: .utf8)
                #expect(seen == "\(database)\n\(manifest.key)\n")
            }
        }

        @Test func preSwapHooksRunOnTheTemporaryDatabase() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("preswap", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let manifest = try await sandbox.dump()
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")

                // A failing hook leaves everything as it was.
                expectOneLine(try await sandbox.odb(["restore", manifest.key, "--pre-swap", "exit 1"]), containing: "pre-swap")
                #expect(try sandbox.rows(database) == [1, 2])
                try sandbox.expectConsistent(database, states: [[1, 2]])

                // A hook given in odb.toml's [restore.default] changes the temporary database, reached
                // through PG* variables alone, before it is swapped in.
                try """
                [restore.default]
                pre_swap = ["psql -qXc 'INSERT INTO t VALUES (42)'", "printf '%s\\\\n' \\"$ODB_DATABASE\\" \\"$DATABASE_URL\\" > hook.out"]
                """.write(toFile: sandbox.directory + "/odb.toml", atomically: true, encoding: .utf8)
                _ = try await sandbox.restore([manifest.key])
                #expect(try sandbox.rows(database) == [1, 42])
                let seen = try String(contentsOfFile: sandbox.directory + "/hook.out", encoding: .utf8)
                #expect(seen.hasPrefix("\(database)\npostgresql://"))
                // The command line wins over the configuration.
                _ = try await sandbox.restore([manifest.key, "--pre-swap", "true"])
                #expect(try sandbox.rows(database) == [1])
            }
        }
    }
}
