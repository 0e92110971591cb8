import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// No lost work: a revert keeps the state it replaces as a hidden state (`@N`), `log --all`
    /// shows it, `revert @N` brings it back, and retention drops the old ones.
    @Suite struct HiddenStatesTests {
        @Test func aRevertKeepsTheStateItReplaces() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("keep", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit", "-m", "one"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")

                let reverted = try await sandbox.odb(["revert"])
                try expectSuccess(reverted)
                #expect(reverted.errorOutput.contains("kept the replaced state as @1: 'odb revert @1' brings it back"))
                #expect(try sandbox.rows(database) == [1])

                // Hidden from the plain log, tip and info; shown by log --all, as @1 on its parent.
                #expect(!(try await sandbox.odb(["log"])).output.contains("@1"))
                let all = try await sandbox.odb(["log", "--all"])
                let line = try #require(all.output.split(separator: "\n").first { $0.hasPrefix("@1 ") })
                #expect(line.contains("parent 1") && line.contains("replaced by revert to 1"), "\(all.output)")
                #expect(try await sandbox.odb(["log", "--all", "-G"]).output.contains("o  @1  "))
                let entries = try #require(
                    try JSONSerialization.jsonObject(with: Data(try await sandbox.odb(["log", "--all", "--json"]).output.utf8))
                        as? [[String: Any]])
                let hidden = try #require(entries.first { $0["hidden"] as? Bool == true })
                #expect(hidden["number"] as? Int == -1 && hidden["parent"] as? Int == 1)
                #expect(entries.filter { $0["hidden"] == nil }.map { $0["number"] as? Int } == [1])
                #expect(try await sandbox.odb(["log", "-r", "tip"]).output.hasPrefix("1 "))
                let info = try await sandbox.odb(["info", "--json"])
                #expect(info.output.contains("\"revisions\" : 1,"), "\(info.output)")
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1], [1, 2]])

                // Back to @1: the rows come back, the parent is @1's, and the state it replaces is @2.
                try sandbox.connect(database).query("INSERT INTO t VALUES (5)")
                let back = try await sandbox.odb(["revert", "@1"])
                try expectSuccess(back)
                #expect(back.output == "Reverted to @1 (on revision 1), now at revision 2\n")
                #expect(back.errorOutput.contains("kept the replaced state as @2"))
                #expect(try sandbox.rows(database) == [1, 2])
                #expect(try await sandbox.odb(["info"]).output.contains("(parent: 1, tip: 1)"))
                try sandbox.expectConsistent(database, states: [[1, 2]], revisions: [[1], [1, 2], [1, 5]])

                // A commit after it makes a normal revision on that parent.
                try expectSuccess(try await sandbox.odb(["commit", "-m", "two"]))
                #expect(try await sandbox.odb(["log", "-r", "tip"]).output.hasPrefix("2 "))

                // Spares are never built of hidden states; purge all leaves them to retention and gc.
                try expectSuccess(try await sandbox.odb(["spares", "--keep", "10"]))
                try expectSuccess(try await sandbox.odb(["maintain"]))
                let control = try sandbox.connect(sandbox.control)
                #expect(
                    try control.query("SELECT number FROM odb.spares ORDER BY number").map { try $0.int("number") } == [1, 2])
                try expectSuccess(try await sandbox.odb(["purge", "all", "-y"]))
                let alive = try control.query(
                    "SELECT number FROM odb.revisions r JOIN pg_database p ON p.datname = r.dbname ORDER BY number")
                #expect(try alive.map { try $0.int("number") } == [-2, -1])
                try sandbox.expectConsistent(database, states: [[1, 2]], revisions: [[1], [1, 2], [1, 5]])
            }
        }

        /// `odb status` says nothing changed since the commit: there is nothing to keep.
        @Test func aRevertWithNothingChangedKeepsNothing() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("unchanged", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                let reverted = try await sandbox.odb(["revert"])
                try expectSuccess(reverted)
                #expect(!reverted.errorOutput.contains("kept"))
                #expect(!(try await sandbox.odb(["log", "--all"])).output.contains("@1"))
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
            }
        }

        @Test func retentionDropsTheOldestBeyondTheLimit() async throws {
            try await withSandbox { sandbox in
                try "[history]\nkeep_hidden = 2\nkeep_hidden_days = 0\n".write(
                    toFile: sandbox.directory + "/odb.toml", atomically: true, encoding: .utf8)
                let database = try sandbox.makeDatabase("retention", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                for row in 2...3 {
                    try sandbox.connect(database).query("INSERT INTO t VALUES (\(row))")
                    try expectSuccess(try await sandbox.odb(["revert"]))
                }
                try sandbox.connect(database).query("INSERT INTO t VALUES (4)")
                let third = try await sandbox.odb(["revert", "-v"])
                try expectSuccess(third)
                #expect(third.errorOutput.contains("kept the replaced state as @3"))
                #expect(third.errorOutput.contains("dropped hidden state @1"), "\(third.errorOutput)")

                // @1's row stays readable, its database is gone; @2 and @3 stay.
                let log = try await sandbox.odb(["log", "--all"]).output.split(separator: "\n")
                #expect(log.first { $0.hasPrefix("@1 ") }?.contains("(purged)") == true, "\(log)")
                #expect(log.filter { $0.hasPrefix("@") && !$0.contains("(purged)") }.count == 2)
                expectOneLine(try await sandbox.odb(["revert", "@1"]), containing: "hidden state @1 was dropped")
                try expectSuccess(try await sandbox.odb(["revert", "@2"]))
                #expect(try sandbox.rows(database) == [1, 3])
                try sandbox.expectConsistent(database, states: [[1, 3]], revisions: [[1], [1, 2], [1, 3], [1, 4]])
            }
        }

        @Test func retentionKeepsRecentStatesWhateverTheirNumber() async throws {
            try await withSandbox { sandbox in
                // keep_hidden = 0, but a week: none is old enough to go.
                try "[history]\nkeep_hidden = 0\n".write(
                    toFile: sandbox.directory + "/odb.toml", atomically: true, encoding: .utf8)
                let database = try sandbox.makeDatabase("recent", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                for row in 2...3 {
                    try sandbox.connect(database).query("INSERT INTO t VALUES (\(row))")
                    try expectSuccess(try await sandbox.odb(["revert"]))
                }
                let log = try await sandbox.odb(["log", "--all"]).output
                #expect(log.contains("@1 ") && log.contains("@2 ") && !log.contains("(purged)"), "\(log)")
            }
        }

        @Test func mistakesAboutHiddenStatesSayWhat() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("mistakes", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                expectOneLine(try await sandbox.odb(["revert", "@4"]), containing: "no hidden state '@4'")
                expectOneLine(try await sandbox.odb(["revert", "@0"]), containing: "'@0' is not a revision")
                expectOneLine(try await sandbox.odb(["tag", "@home"]), containing: "'@N' names a hidden state")
                try "[history]\nkeep_hidden = \"five\"\n".write(
                    toFile: sandbox.directory + "/odb.toml", atomically: true, encoding: .utf8)
                expectOneLine(try await sandbox.odb(["revert"]), containing: "history.keep_hidden")
                #expect(try sandbox.rows(database) == [1])
            }
        }
    }
}
