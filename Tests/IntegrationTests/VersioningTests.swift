import Foundation
import Testing

@testable import Revisions

extension Integration {
    @Suite struct VersioningTests {
        /// The anybox README transcript, with odb's numbering: init, three commits, revert 1.
        @Test func anyboxTranscript() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("demo8", rows: [1])
                let workspace = try await sandbox.workspace()
                let initialized = try workspace.track(database, create: false)
                #expect(
                    initialized == InitOutcome(database: database, created: false, alreadyTracked: false, revision: 1, parent: 0))
                #expect(workspace.project.currentDatabase == database)

                let repository = try workspace.repository()
                #expect(try repository.info().revision == 1)
                let first = try repository.commit(message: "one row")
                #expect(first.committed == 1)
                #expect(first.revision == 2)
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                _ = try repository.commit(message: "two rows")
                try sandbox.connect(database).query("INSERT INTO t VALUES (3)")
                let third = try repository.commit(message: "three rows")
                #expect(third.committed == 3)

                var info = try repository.info()
                #expect((info.revision, info.parent, info.tip) == (4, 3, 3))

                let reverted = try repository.revert(to: .number(1))
                // Whether the replaced state is kept (as @1) is HiddenStatesTests' concern.
                var expected = RevertOutcome(database: database, parent: 1, revision: 4, endedSessions: [], usedSpare: false)
                expected.kept = reverted.kept
                #expect(reverted == expected)
                #expect(try sandbox.rows(database) == [1])
                info = try repository.info()
                #expect((info.revision, info.parent, info.tip, info.revisions) == (4, 1, 3, 3))

                let log = try repository.log()
                #expect(log.map(\.number) == [3, 2, 1])
                #expect(log.map(\.parent) == [2, 1, 0])
                #expect(log.map(\.message) == ["three rows", "two rows", "one row"])
                #expect(try repository.log(limit: 2).count == 2)
                // Nothing of odb's is written into the user's database.
                let tables = try sandbox.connect(database).query(
                    "SELECT count(*) AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
                #expect(try tables.first?.int("n") == 1)
            }
        }

        /// commit 1..4, revert 2, commit: revision 5 has parent 2, drawn as a branch.
        @Test func branchShowsInTheGraph() async throws {
            try await withSandbox { sandbox in
                let (_, workspace) = try await sandbox.tracked("dag")
                let repository = try workspace.repository()
                for _ in 1...4 { _ = try repository.commit(message: "") }
                _ = try repository.revert(to: .number(2))
                let fifth = try repository.commit(message: "branch")
                #expect(fifth.committed == 5)
                let log = try repository.log()
                #expect(log.first?.parent == 2)
                let graph = Graph.render(log, workingParent: try repository.info().parent) { ["\($0.number)"] }
                #expect(
                    graph.joined(separator: "\n") == """
                        @  5
                        |
                        | o  4
                        | |
                        | o  3
                        |/
                        o  2
                        |
                        o  1
                        """)
            }
        }

        @Test func revisionsAreFrozen() async throws {
            try await withSandbox { sandbox in
                let (_, workspace) = try await sandbox.tracked("frozen", rows: [1])
                let outcome = try workspace.repository().commit(message: "")
                let row = try sandbox.connect().query(
                    "SELECT datallowconn, datistemplate FROM pg_database WHERE datname = \(outcome.revisionDatabase)"
                ).first
                #expect(try row?.bool("datallowconn") == false)
                #expect(try row?.bool("datistemplate") == true)
                #expect(throws: PostgresError.self) { try sandbox.connect(outcome.revisionDatabase) }
            }
        }

        @Test func initIsIdempotentAndStrict() async throws {
            try await withSandbox { sandbox in
                let workspace = try await sandbox.workspace()
                let missing = sandbox.name("missing")
                #expect(throws: OdbError.databaseMissing(database: missing)) {
                    try workspace.track(missing, create: false)
                }
                #expect(try sandbox.databases().contains(missing) == false)
                let created = try workspace.track(missing, create: true)
                #expect(created.created)
                let again = try workspace.track(missing, create: true)
                #expect(again.alreadyTracked)
                #expect(throws: OdbError.self) { try workspace.track(sandbox.control, create: false) }
                #expect(throws: OdbError.notTracked(database: "nope")) { try workspace.repository("nope").recoverAbandoned() }
            }
        }

        @Test func hostileAndLongNamesWork() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("it's \"odd\" %_* ✓ " + String(repeating: "x", count: 34))
                #expect(database.utf8.count == 63)  // every revision name must be shortened
                let workspace = try await sandbox.workspace()
                _ = try workspace.track(database, create: false)
                let repository = try workspace.repository()
                for number in 1...10 {
                    let outcome = try repository.commit(message: "it's; DROP TABLE t; --")
                    #expect(outcome.revisionDatabase.utf8.count <= 63)
                    #expect(outcome.committed == number)
                }
                _ = try repository.revert(to: .number(3))
                #expect(try repository.log().first?.message == "it's; DROP TABLE t; --")
                #expect(try sandbox.rows(database) == [])
            }
        }

        @Test func badRevisionArgumentsChangeNothing() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("args", rows: [1])
                let repository = try workspace.repository()
                #expect(throws: OdbError.self) { try repository.revert(to: nil) }  // nothing committed yet
                _ = try repository.commit(message: "")
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                #expect(throws: OdbError.unknownRevision("7")) { try repository.revert(to: .number(7)) }
                #expect(throws: OdbError.unknownRevision("nope")) { try repository.revert(to: .tag("nope")) }
                #expect(try sandbox.rows(database) == [1, 2])
                #expect(try repository.info().parent == 1)
            }
        }

        @Test func tagsNameRevisions() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("tags", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "")
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                _ = try repository.commit(message: "")
                #expect(try repository.tag("before", revision: .number(1)) == Tag(name: "before", revision: 1))
                #expect(try repository.tag("latest", revision: nil) == Tag(name: "latest", revision: 2))
                #expect(throws: OdbError.tagExists("before", revision: 1)) {
                    try repository.tag("before", revision: .tip)
                }
                #expect(throws: OdbError.self) { try repository.tag("5", revision: nil) }
                #expect(try repository.tags().map(\.name) == ["latest", "before"])
                #expect(try repository.info().parentTags == ["latest"])
                _ = try repository.revert(to: .tag("before"))
                #expect(try sandbox.rows(database) == [1])
                _ = try repository.deleteTag("before")
                #expect(throws: OdbError.unknownTag("before")) { try repository.deleteTag("before") }
                #expect(try repository.log().last?.tags == [])
            }
        }

        @Test func purgeKeepsTheHistoryReadable() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("purge", rows: [1])
                let repository = try workspace.repository()
                for _ in 1...3 { _ = try repository.commit(message: "") }
                _ = try repository.tag("keep", revision: .number(2))
                let plan = try repository.purgePlan(.keeptags)
                #expect(plan.revisions == [1, 3])
                #expect(try repository.purge(plan) == [1, 3])
                #expect(try sandbox.databases() == [database, sandbox.control, Names.revisionDatabase(database, number: 2)])
                let log = try repository.log()
                #expect(log.map(\.number) == [3, 2, 1])
                #expect(log.map { $0.database != nil } == [false, true, false])
                #expect(throws: OdbError.revisionPurged(3)) { try repository.revert(to: .number(3)) }
                _ = try repository.revert(to: .tag("keep"), keeping: false)  // no hidden state for purge to leave
                _ = try repository.purge(try repository.purgePlan(.all))
                #expect(try sandbox.databases() == [database, sandbox.control])
            }
        }
    }
}
