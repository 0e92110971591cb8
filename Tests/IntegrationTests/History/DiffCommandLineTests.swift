import Foundation
import Testing

@testable import Revisions

/// `odb diff` through the built binary, on revisions and the working database.
extension Integration {
    @Suite struct DiffCommandLineTests {
        /// Through the binary: two revisions, a revision and the working database, the default
        /// (the parent against the working database), `--stat`, `--json`, `--exit-code`, and
        /// every revision frozen afterwards.
        @Test func revisionsThroughTheCommandLine() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("shop", rows: [1, 2, 3])
                try sandbox.connect(database).query("ALTER TABLE t ADD PRIMARY KEY (x)")
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit", "-m", "three"]))  // revision 1
                var connection = try sandbox.connect(database)  // a commit ends the sessions on it
                try connection.query("INSERT INTO t VALUES (4)")
                try connection.query("DELETE FROM t WHERE x = 1")
                try expectSuccess(try await sandbox.odb(["commit", "-m", "four"]))  // revision 2
                connection = try sandbox.connect(database)
                try connection.query("CREATE TABLE u (y int)")
                try connection.query("UPDATE t SET x = 40 WHERE x = 4")

                let between = try await sandbox.odb(["diff", "1", "2"])
                try expectSuccess(between)
                #expect(between.output.contains("public.t: 1 added, 1 removed, compared by primary key (x)"), "\(between.output)")
                #expect(between.output.contains("+ x='4'"))
                #expect(between.output.contains("- x='1'"))
                #expect(!between.output.contains("schema"))

                let stat = try await sandbox.odb(["diff", "1", "--stat"])  // revision 1 against the working database
                try expectSuccess(stat)
                #expect(stat.output.contains(" public.t | 2 rows: 1 added, 1 removed"), "\(stat.output)")
                #expect(stat.output.contains("2 schema objects differ (2 added)"), "\(stat.output)")

                let json = try await sandbox.odb(["diff", "--json", "--data-only"])  // parent 2 against the working database
                try expectSuccess(json)
                let report = try JSONDecoder().decode(DiffReport.self, from: Data(json.output.utf8))
                #expect(report.schema == nil)
                #expect(report.tablesOnlyNew == ["public.u"])
                #expect(report.tables?.first?.added == 1)
                #expect(report.tables?.first?.removed == 1)
                #expect(report.tables?.first?.rows.compactMap(\.new) == [["40"]])
                #expect(report.stats.bytesRead > 0)

                #expect(try await sandbox.odb(["diff", "1", "2", "--exit-code", "-q"]).status == "exit status 1")
                let same = try await sandbox.odb(["diff", "2", "2", "--exit-code"])
                try expectSuccess(same)
                #expect(same.output == "No differences\n")
                try expectSuccess(try await sandbox.odb(["diff", ".", ".", "--exit-code"]))

                let verbose = try await sandbox.odb(["diff", "-v", "--stat"])
                #expect(verbose.errorOutput.contains("from the servers for 1 table"), "\(verbose.errorOutput)")
                expectOneLine(try await sandbox.odb(["diff", "9"]), containing: "9")
                #expect(try await sandbox.odb(["diff", "--schema-only", "--data-only"]).status == "exit status 64")

                let frozen = try sandbox.connect().query(
                    "SELECT datname FROM pg_database WHERE datname LIKE \(sandbox.prefix + "%") AND datallowconn AND datname NOT IN (\(database), \(sandbox.control))"
                )
                #expect(frozen.isEmpty)
            }
        }

        /// odb killed while it opens a revision for a diff: the next command freezes it again.
        @Test func aKillDuringADiffLeavesEveryRevisionFrozen() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("killed", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                try expectSuccess(try await sandbox.odb(["commit"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                try expectSuccess(try await sandbox.odb(["commit"]))
                func connectable() throws -> [String] {
                    try sandbox.connect().query(
                        """
                        SELECT datname FROM pg_database WHERE datname LIKE \(sandbox.prefix + "%") AND datallowconn
                        AND datname NOT IN (\(database), \(sandbox.control))
                        """
                    ).map { try $0.string("datname") }
                }
                let killed = try await sandbox.odb(["diff", "1", "2"], environment: ["ODB_FAULT": "read.opened"])
                #expect(killed.status == "signal 9", "\(killed.status): \(killed.errorOutput)")
                try expectSuccess(try await sandbox.odb(["info"]))
                #expect(try connectable().isEmpty)
                let diff = try await sandbox.odb(["diff", "1", "2", "--stat"])
                try expectSuccess(diff)
                #expect(diff.output.contains("1 row: 1 added"), "\(diff.output)")
                #expect(try connectable().isEmpty)
            }
        }
    }
}
