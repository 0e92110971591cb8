import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// Messages that tell the truth, and command-line mistakes that say so with status 64.
    @Suite struct EverydayMessagesTests {
        @Test func nothingCommittedSaysSo() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("fresh")
                try expectSuccess(try await sandbox.odb(["init", database]))
                for command in [["revert"], ["revert", "tip"], ["tag", "x"]] {
                    let result = try await sandbox.odb(command)
                    expectOneLine(result, containing: "nothing has been committed yet; run 'odb commit' first")
                    #expect(!result.errorOutput.contains("'0:"))
                }
            }
        }

        @Test func commandLineMistakesExit64WithOneLine() async throws {
            try await withSandbox { sandbox in
                expectUsageError(try await sandbox.plain(["summary"]), containing: "did you mean 'odb info'")
                expectUsageError(try await sandbox.plain(["comit"]), containing: "did you mean 'odb commit'")
                expectUsageError(try await sandbox.odb(["log", "-l", "-1"]), containing: "--limit must be at least 1")
                expectUsageError(try await sandbox.odb(["spares", "--keep", "-1"]), containing: "cannot keep -1 spares")
                expectUsageError(
                    try await sandbox.odb(["init", "-d", "x", "y"]), containing: "init takes the database as its argument")
                expectUsageError(try await sandbox.odb(["log", "--since", "yesterday"]), containing: "--since takes a date")
            }
        }

        @Test(arguments: ["1.5", "0x4", "+4", "1e3", "-1"])
        func tagsThatReadAsNumbersAreRefusedWhenMade(_ tag: String) async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("numbers")
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                let result = try await sandbox.odb(["tag", "--", tag])
                #expect(result.status != "exit status 0", "\(tag) was accepted as a tag")
                #expect(try await sandbox.odb(["tags"]).output == "no tags\n")
            }
        }

        @Test func aPurgedRevisionCannotBeTagged() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("purged")
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                try expectSuccess(try await sandbox.odb(["purge", "all", "-y"]))
                expectOneLine(try await sandbox.odb(["tag", "keep", "1"]), containing: "it was purged")
            }
        }

        @Test func aWorkingDatabaseDroppedByHandIsCalledMissing() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("gone", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                try sandbox.connect().query("DROP DATABASE \(identifier: database)")
                let info = try await sandbox.odb(["info"])
                try expectSuccess(info)
                #expect(info.output.contains("(missing:"), "\(info.output)")
                let commit = try await sandbox.odb(["commit"])
                expectOneLine(commit, containing: "is missing")
                #expect(commit.errorOutput.contains("odb revert"))
                #expect(!commit.errorOutput.contains("--create"))
                try expectSuccess(try await sandbox.odb(["revert"]))
                #expect(try sandbox.rows(database) == [1])
            }
        }

        @Test func aRevisionDroppedByHandIsNotCounted() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("dropped")
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                let revision = Names.revisionDatabase(database, number: 1)
                let connection = try sandbox.connect()
                try connection.query("ALTER DATABASE \(identifier: revision) WITH IS_TEMPLATE false")
                try connection.query("DROP DATABASE \(identifier: revision)")
                #expect(try await sandbox.odb(["info"]).output.contains("1 revision database "))
                let purged = try await sandbox.odb(["purge", "all", "-y", "--json"])
                try expectSuccess(purged)
                #expect(purged.output.contains("\"purged\" : [\n    2\n  ]"), "\(purged.output)")
            }
        }

        @Test func namesWithControlCharactersArePrintedEscaped() async throws {
            try await withSandbox { sandbox in
                let database = sandbox.name("new\nline\u{1b}[31m")
                let result = try await sandbox.odb(["init", database, "--create"])
                try expectSuccess(result)
                #expect(!result.output.contains("\u{1b}"))
                #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
                let info = try await sandbox.odb(["info"])
                #expect(!info.output.contains("\u{1b}"))
                #expect(info.output.contains("new\\nline\\u{1B}[31m"), "\(info.output)")
            }
        }

        @Test func decliningPurgeAtThePromptExits1() async throws {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
                print("skipped: /usr/bin/script (util-linux) is needed to give odb a terminal")
                return
            }
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("declined")
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                let command = [Sandbox.executable, "purge", "all", "--url", sandbox.conninfo, "--control-db", sandbox.control]
                    .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
                let result = try await Program(
                    "/usr/bin/script", ["-qec", command, "/dev/null"], environment: .inherited(changing: serverVariables),
                    workingDirectory: sandbox.directory
                ).result(input: .string("n\n"))
                #expect(result.status == "exit status 1", "\(result.status): \(result.output)")
                #expect(result.output.contains("Nothing purged"))
                #expect(try sandbox.databases().contains(Names.revisionDatabase(database, number: 1)))
            }
        }

        @Test func theAutomaticRecoverySaysWhatItDid() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("recovered", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                let killed = try await sandbox.odb(["commit"], environment: ["ODB_FAULT": "commit.copied"])
                #expect(!killed.succeeded)
                // The killed odb's session may take a moment to go; until then nothing is recovered.
                let end = ContinuousClock.now + .seconds(30)
                var said = ""
                while ContinuousClock.now < end {
                    let info = try await sandbox.odb(["info"])
                    try expectSuccess(info)
                    said = info.errorOutput
                    if !said.isEmpty { break }
                }
                #expect(
                    said.contains("an interrupted commit of revision 1 on '\(database)' was rolled back by this odb"), "\(said)")
            }
        }
    }
}
