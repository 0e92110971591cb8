import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// The usual conveniences: --version, completions, exec, untrack, tag -f, log -r/--since,
    /// purge --dry-run, psql --, and one JSON shape per command.
    @Suite struct ConveniencesTests {
        @Test func versionAndCompletions() async throws {
            try await withSandbox { sandbox in
                let version = try await sandbox.plain(["--version"])
                try expectSuccess(version)
                #expect(version.output.hasPrefix("odb "))
                let json = try await sandbox.plain(["--version", "--json"])
                let decoded = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
                #expect(decoded?["postgresqlTested"] as? [Int] == [15, 18])
                // The man page's source: what swift-argument-parser's generate-manual reads.
                let help = try await sandbox.plain(["--experimental-dump-help"])
                try expectSuccess(help)
                #expect(help.output.contains("\"untrack\"") && help.output.contains("\"exec\""))
                for shell in ["bash", "zsh", "fish"] {
                    let script = try await sandbox.plain(["--generate-completion-script", shell])
                    try expectSuccess(script)
                    #expect(script.output.contains("untrack") && script.output.contains("exec"), "\(shell)")
                }
            }
        }

        @Test func execRunsTheCommandWithTheDatabasesEnvironment() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("exec")
                let url = sandbox.conninfo + " password=sekrit-pw"
                try expectSuccess(try await sandbox.odb(["init", database], url: url))
                let result = try await sandbox.odb(
                    [
                        "exec", "--", "sh", "-c",
                        "echo \"$DATABASE_URL|$PGDATABASE|$PGPASSWORD\"; psql -XAtc 'select 41+1'; exit 7",
                    ],
                    url: url)
                #expect(result.status == "exit status 7", "\(result.status): \(result.errorOutput)")
                let lines = result.output.split(separator: "\n").map(String.init)
                #expect(lines.first?.hasPrefix("postgresql://postgres@/") == true, "\(result.output)")
                #expect(lines.first?.contains("|\(database)|sekrit-pw") == true, "\(result.output)")
                #expect(lines.first?.split(separator: "|").first?.contains("sekrit") == false)
                #expect(lines.last == "42")
                expectUsageError(try await sandbox.odb(["exec"]), containing: "needs a command")
                let missing = try await sandbox.odb(["exec", "--", "no-such-program-odb"])
                #expect(missing.status == "exit status 127")
            }
        }

        @Test func untrackForgetsAMistakenInit() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("oops", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                let result = try await sandbox.odb(["untrack", database, "--drop-revisions"])
                try expectSuccess(result)
                #expect(result.output.contains("No longer tracking"))
                #expect(try sandbox.databases() == [database, sandbox.control])
                #expect(try sandbox.rows(database) == [1])
                expectOneLine(try await sandbox.odb(["info", "-d", database]), containing: "not tracked")
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                let kept = try await sandbox.odb(["untrack", "--json"])
                try expectSuccess(kept)
                #expect(kept.output.contains(Names.revisionDatabase(database, number: 1)))
            }
        }

        @Test func tagMoveLogOneRevisionAndPurgeDryRun() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("cycle")
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit", "-m", "one"]))
                try expectSuccess(try await sandbox.odb(["commit", "-m", "two"]))
                try expectSuccess(try await sandbox.odb(["tag", "v", "1"]))
                expectOneLine(try await sandbox.odb(["tag", "v", "2"]), containing: "already marks revision 1")
                let moved = try await sandbox.odb(["tag", "-f", "v", "2", "--json"])
                try expectSuccess(moved)
                #expect(moved.output.contains("\"movedFrom\" : 1"), "\(moved.output)")
                let deleted = try await sandbox.odb(["tag", "-d", "v", "--json"])
                #expect(deleted.output.contains("\"deleted\" : \"v\""), "\(deleted.output)")

                let one = try await sandbox.odb(["log", "-r", "1"])
                try expectSuccess(one)
                #expect(one.output.split(separator: "\n").count == 1 && one.output.hasPrefix("1 "), "\(one.output)")
                #expect(try await sandbox.odb(["log", "--since", "2999-01-01"]).output.hasPrefix("no revisions"))
                #expect(
                    try await sandbox.odb(["log", "--since", "2000-01-01T00:00:00Z"]).output.split(separator: "\n").count == 2)

                // Chosen revisions: only those go.
                try expectSuccess(try await sandbox.odb(["commit", "-m", "three"]))
                let chosen = try await sandbox.odb(["purge", "3", "-y", "--json"])
                try expectSuccess(chosen)
                #expect(chosen.output.contains("\"purged\" : [\n    3\n  ]"), "\(chosen.output)")
                #expect(!(try sandbox.databases().contains(Names.revisionDatabase(database, number: 3))))
                #expect(try sandbox.databases().contains(Names.revisionDatabase(database, number: 2)))
                expectUsageError(try await sandbox.odb(["purge", "all", "2"]), containing: "not both")
                let dry = try await sandbox.odb(["purge", "all", "--dry-run", "--json"])
                try expectSuccess(dry)
                #expect(dry.output.contains("\"dryRun\" : true"))
                #expect(try sandbox.databases().contains(Names.revisionDatabase(database, number: 1)))
                let purged = try await sandbox.odb(["purge", "all", "-y", "--json"])
                let nothing = try await sandbox.odb(["purge", "all", "-y", "--json"])
                func keys(_ text: String) throws -> Set<String> {
                    Set((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?.keys.map { $0 } ?? [])
                }
                #expect(try keys(purged.output) == keys(nothing.output))
                let log = try await sandbox.odb(["log", "--json"])
                #expect(
                    log.output.contains("\"purged\" : true") && log.output.contains("\"workingParent\" : true"), "\(log.output)")
                #expect(try keys(purged.output) == ["database", "purged", "size", "dryRun"])
            }
        }

        @Test func jsonBooleansAreBooleans() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("json")
                try expectSuccess(try await sandbox.odb(["init", database]))
                let on = try await sandbox.odb(["protect", "--json"])
                let decoded = try JSONSerialization.jsonObject(with: Data(on.output.utf8)) as? [String: Any]
                #expect(decoded?["protected"] as? Bool == true, "\(on.output)")
                #expect(on.output.contains("\"protected\" : true"))
            }
        }

        @Test func psqlTakesArgumentsAfterADoubleDash() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("psql")
                try expectSuccess(try await sandbox.odb(["init", database]))
                let result = try await sandbox.odb(["psql", "--", "-XAtc", "select current_database()"])
                try expectSuccess(result)
                #expect(result.output == database + "\n", "\(result.output)")
            }
        }

        @Test func tagAfterOwnCommitDoesNotWaitForTheWorker() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("worker", rows: [1, 2, 3])
                try expectSuccess(try await sandbox.odb(["init", database]))
                for round in 1...4 {
                    try expectSuccess(try await sandbox.odb(["commit"], environment: ["ODB_BACKGROUND": nil]))
                    let tag = try await sandbox.odb(["tag", "t\(round)"], environment: ["ODB_BACKGROUND": nil])
                    try expectSuccess(tag)
                    #expect(!tag.errorOutput.contains("waiting"), "\(tag.errorOutput)")
                }
                try await sandbox.waitForWorkers()
            }
        }
    }
}
