import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// `odb gc` with each option, and `--dry-run`: the databases go, the history stays readable.
    @Suite struct GcTests {
        /// A tracked database with revisions 1…`count`, the working database's parent the last.
        func history(_ sandbox: Sandbox, _ name: String, count: Int) async throws -> String {
            let database = try sandbox.makeDatabase(name, rows: [1])
            try expectSuccess(try await sandbox.odb(["init", database]))
            for _ in 1...count { try expectSuccess(try await sandbox.odb(["commit"])) }
            return database
        }

        /// The revisions (hidden states as -N) that still have their database.
        func alive(_ sandbox: Sandbox, _ database: String) throws -> [Int] {
            try sandbox.connect(sandbox.control).query(
                """
                SELECT number FROM odb.revisions r JOIN pg_database p ON p.datname = r.dbname
                WHERE r.database = \(database) ORDER BY number
                """
            ).map { try $0.int("number") }
        }

        func json(_ result: ProgramResult) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        }

        @Test func keepKeepsTheNewestAndDryRunDropsNothing() async throws {
            try await withSandbox { sandbox in
                let database = try await history(sandbox, "keep", count: 4)
                let dry = try await sandbox.odb(["gc", "--keep", "2", "--dry-run"])
                try expectSuccess(dry)
                #expect(dry.output.hasPrefix("Would drop 2 databases ("), "\(dry.output)")
                #expect(dry.output.hasSuffix("): 1, 2\n"), "\(dry.output)")
                let dryJSON = try json(try await sandbox.odb(["gc", "--keep", "2", "-n", "--json"]))
                #expect(dryJSON["revisions"] as? [Int] == [1, 2] && dryJSON["dryRun"] as? Bool == true)
                #expect((dryJSON["size"] as? Int ?? 0) > 0)
                #expect(try alive(sandbox, database) == [1, 2, 3, 4])

                let done = try json(try await sandbox.odb(["gc", "--keep", "2", "-y", "--json"]))
                #expect(done["revisions"] as? [Int] == [1, 2] && done["dryRun"] as? Bool == false)
                #expect(try alive(sandbox, database) == [3, 4])
                let log = try await sandbox.odb(["log"]).output.split(separator: "\n")
                #expect(log.count == 4 && log.filter { $0.contains("(purged)") }.count == 2, "\(log)")
                #expect(try await sandbox.odb(["gc", "--keep", "2", "-y"]).output == "Nothing to drop\n")
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
            }
        }

        @Test func olderThanDropsOnlyTheOld() async throws {
            try await withSandbox { sandbox in
                let database = try await history(sandbox, "age", count: 3)
                try sandbox.connect(sandbox.control).query(
                    "UPDATE odb.revisions SET created_at = now() - interval '40 days' WHERE database = \(database) AND number < 3"
                )
                expectUsageError(try await sandbox.odb(["gc", "--older-than", "5x"]), containing: "--older-than takes an age")
                #expect(try await sandbox.odb(["gc", "--older-than", "6w", "-y"]).output == "Nothing to drop\n")
                try expectSuccess(try await sandbox.odb(["gc", "--older-than", "30d", "-y"]))
                #expect(try alive(sandbox, database) == [3])
                // Both options: only those neither keeps go.
                let database2 = try await history(sandbox, "both", count: 3)
                try sandbox.connect(sandbox.control).query(
                    "UPDATE odb.revisions SET created_at = now() - interval '2 days' WHERE database = \(database2)")
                try expectSuccess(try await sandbox.odb(["gc", "-d", database2, "--keep", "1", "--older-than", "12h", "-y"]))
                #expect(try alive(sandbox, database2) == [3])
            }
        }

        @Test func keepTagsAndTheWorkingParentStay() async throws {
            try await withSandbox { sandbox in
                let database = try await history(sandbox, "tags", count: 4)
                try expectSuccess(try await sandbox.odb(["tag", "first", "1"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                try expectSuccess(try await sandbox.odb(["revert", "2"]))  // keeps @1; the parent is now 2
                let dry = try json(try await sandbox.odb(["gc", "--keep", "0", "--keep-tags", "-n", "--json"]))
                #expect(dry["revisions"] as? [Int] == [3, 4] && dry["hidden"] as? [Int] == [1])
                try expectSuccess(try await sandbox.odb(["gc", "--keep", "0", "--keep-tags", "-y"]))
                #expect(try alive(sandbox, database) == [1, 2])
                // Without --keep-tags the tag does not keep it; the parent still stays.
                try expectSuccess(try await sandbox.odb(["gc", "--keep", "0", "-y"]))
                #expect(try alive(sandbox, database) == [2])
                #expect(try await sandbox.odb(["log"]).output.split(separator: "\n").count == 4)
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
            }
        }

        @Test func withNoOptionTheRetentionOfHiddenStatesApplies() async throws {
            try await withSandbox { sandbox in
                try "[history]\nkeep_hidden = 1\nkeep_hidden_days = 0\n".write(
                    toFile: sandbox.directory + "/odb.toml", atomically: true, encoding: .utf8)
                let database = try await history(sandbox, "plain", count: 2)
                for row in 2...3 {
                    try sandbox.connect(database).query("INSERT INTO t VALUES (\(row))")
                    try expectSuccess(try await sandbox.odb(["revert"]))  // the second drops @1: keep 1
                }
                #expect(try alive(sandbox, database) == [-2, 1, 2])
                try sandbox.connect(sandbox.control).query(
                    "UPDATE odb.revisions SET created_at = now() - interval '1 day' WHERE database = \(database)")
                #expect(try await sandbox.odb(["gc", "-y"]).output == "Nothing to drop\n")
                try "[history]\nkeep_hidden = 0\nkeep_hidden_days = 0\n".write(
                    toFile: sandbox.directory + "/odb.toml", atomically: true, encoding: .utf8)
                let done = try await sandbox.odb(["gc", "-y"])
                #expect(done.output.hasPrefix("Dropped 1 database (") && done.output.hasSuffix("): @2\n"), "\(done.output)")
                #expect(try alive(sandbox, database) == [1, 2])
            }
        }

        /// gc drops the way purge does: killed after forgetting or amid the drops, the next
        /// commands drop the rest and no database odb made is left outside its metadata.
        @Test(arguments: [Step.purgeForgotten.rawValue, Step.discardDropped.rawValue, "purge.forgotten:disconnect"])
        func anInterruptedGcLeavesNothingBehind(_ fault: String) async throws {
            try await withSandbox { sandbox in
                let database = try await history(sandbox, "fault", count: 3)
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                try expectSuccess(try await sandbox.odb(["revert"]))  // keeps @1
                let interrupted = try await sandbox.odb(["gc", "--keep", "0", "-y"], environment: ["ODB_FAULT": fault])
                #expect(!interrupted.succeeded)
                try expectSuccess(try await sandbox.odb(["recover"]))
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
                #expect(try alive(sandbox, database) == [3])
                #expect(try await sandbox.odb(["log", "--all"]).output.split(separator: "\n").count == 4)
            }
        }

        @Test func withoutATerminalItNeedsYes() async throws {
            try await withSandbox { sandbox in
                let database = try await history(sandbox, "ask", count: 2)
                expectOneLine(try await sandbox.odb(["gc", "--keep", "1"]), containing: "-y")
                #expect(try alive(sandbox, database) == [1, 2])
                try expectSuccess(try await sandbox.odb(["protect"]))
                expectOneLine(try await sandbox.odb(["gc", "--keep", "1", "-y"]), containing: "protected")
                #expect(try alive(sandbox, database) == [1, 2])
            }
        }
    }
}
