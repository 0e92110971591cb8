import Foundation
import Testing

@testable import Revisions

extension Integration {
    @Suite struct SparesTests {
        /// The usual undo: commit, build the parent's spare, break things, revert. The revert is a
        /// rename swap; the spare is used up and the next maintenance builds it again.
        @Test func revertSwapsInTheParentsSpare() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("spare", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                let built = try await repository.maintain()
                #expect(built.built == [1])
                #expect(try repository.info().spares.map(\.number) == [1])
                #expect(try repository.log().first?.spare == true)

                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                let reverted = try repository.revert(to: nil)
                #expect(reverted.usedSpare)
                #expect(try sandbox.rows(database) == [1])
                #expect(try !sandbox.databases().contains(Names.spareDatabase(database, number: 1)))
                // The replaced database, written to, is kept as hidden state @1 (see HiddenStatesTests).
                let hidden = try #require(
                    try sandbox.connect(sandbox.control).query("SELECT dbname FROM odb.revisions WHERE number = -1").first?
                        .string("dbname"))
                #expect(
                    try sandbox.databases() == [sandbox.control, database, Names.revisionDatabase(database, number: 1), hidden])

                #expect(try await repository.maintain().built == [1])
                try sandbox.connect(database).query("INSERT INTO t VALUES (3)")
                #expect(try repository.revert(to: nil).usedSpare)
                #expect(try sandbox.rows(database) == [1])
            }
        }

        /// In the background mode the replaced database waits, visible, for the worker.
        @Test func replacedDatabaseIsDroppedByMaintenance() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("later", rows: [1])
                let repository = try workspace.repository(options: .init(background: true))
                _ = try repository.commit(message: "")
                _ = try repository.revert(to: nil, keeping: false)  // discarded, not kept as a hidden state
                #expect(try repository.info().discardedSize > 0)
                #expect(try sandbox.databases().count == 4)
                let report = try await repository.maintain()
                #expect(report.dropped.count == 1)
                #expect(report.built == [1])
                #expect(try repository.info().discardedSize == 0)
                #expect(
                    try sandbox.databases() == [
                        sandbox.control, database, Names.revisionDatabase(database, number: 1),
                        Names.spareDatabase(database, number: 1),
                    ])
            }
        }

        /// The policy: the parent first, then tagged revisions; 0 drops them all.
        @Test func policyDecidesWhichRevisionsHaveSpares() async throws {
            try await withSandbox { sandbox in
                let (_, workspace) = try await sandbox.tracked("policy", rows: [1])
                let repository = try workspace.repository()
                for _ in 1...3 { _ = try repository.commit(message: "") }
                _ = try repository.tag("good", revision: .number(1))
                _ = try repository.keepSpares(2)
                _ = try await repository.maintain()
                #expect(try repository.info().spares.map(\.number) == [1, 3])
                _ = try repository.keepSpares(0)
                _ = try await repository.maintain()
                #expect(try repository.sparePolicy().spares.isEmpty)
                #expect(throws: OdbError.invalidSpareCount(-1)) { try repository.keepSpares(-1) }
            }
        }

        /// A worker killed mid-build leaves an unready row (and maybe its copy): a revert ignores it
        /// and copies, and the next maintenance drops the leftover and builds afresh.
        @Test func aSpareLeftHalfBuiltIsNeverUsed() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("half", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "")
                let spare = Names.spareDatabase(database, number: 1)
                try workspace.control.connection.query(
                    "INSERT INTO odb.spares (database, number, dbname) VALUES (\(database), 1, \(spare))")
                try sandbox.connect().query(
                    "CREATE DATABASE \(identifier: spare) TEMPLATE \(identifier: Names.revisionDatabase(database, number: 1))")
                try sandbox.connect(spare).query("INSERT INTO t VALUES (666)")

                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                #expect(try repository.revert(to: nil).usedSpare == false)
                #expect(try sandbox.rows(database) == [1])
                #expect(try await repository.maintain().built == [1])
                #expect(try repository.sparePolicy().spares.map(\.ready) == [true])
                #expect(try repository.revert(to: nil).usedSpare)
                #expect(try sandbox.rows(database) == [1])
            }
        }

        /// Two workers at once: one builds, the other returns; one spare in the end.
        @Test func twoWorkersDoNotRace() async throws {
            try await withSandbox { sandbox in
                let (_, workspace) = try await sandbox.tracked("race", rows: [1])
                _ = try workspace.repository().commit(message: "")
                let database = workspace.project.currentDatabase
                let reports = try await withThrowingTaskGroup(of: MaintenanceReport.self) { group in
                    for _ in 0..<2 { group.addTask { try await sandbox.workspace().repository(database).maintain() } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(reports.flatMap(\.built) == [1])
                #expect(try workspace.repository().sparePolicy().spares.count == 1)
            }
        }

        /// Purging a revision drops its spare too.
        @Test func purgeDropsSpares() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("purge", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "")
                _ = try await repository.maintain()
                _ = try repository.purge(try repository.purgePlan(.all))
                #expect(try sandbox.databases() == [sandbox.control, database])
                #expect(try repository.sparePolicy().spares.isEmpty)
            }
        }
    }

    @Suite struct BackgroundWorkerTests {
        /// The whole mechanism through the binary: commit and revert start a detached worker,
        /// which finds the server through ODB_URL (the command had --url), builds the spare, and
        /// after the revert drops the replaced database and builds the spare again.
        @Test func commitAndRevertLeaveTheWorkToABackgroundWorker() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("worker", rows: [1])
                let background: [String: String?] = ["ODB_BACKGROUND": "1"]
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit"], environment: background))
                try await sandbox.waitForWorkers()
                var info = try JSONDecoder().decode(Info.self, from: Data(try await sandbox.odb(["info", "--json"]).output.utf8))
                #expect(info.spares.map(\.number) == [1])

                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                let reverted = try await sandbox.odb(["revert", "-v"], environment: background)
                #expect(reverted.errorOutput.contains("swapped in the spare of revision 1"), "\(reverted.errorOutput)")
                #expect(try sandbox.rows(database) == [1])
                try await sandbox.waitForWorkers()
                info = try JSONDecoder().decode(Info.self, from: Data(try await sandbox.odb(["info", "--json"]).output.utf8))
                #expect(info.spares.map(\.number) == [1])
                #expect(info.discardedSize == 0)
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }

        /// A worker killed while it built a spare leaves it half-made; the next command of any
        /// kind, a reading one too, starts a worker that builds it again.
        @Test func anyCommandRestartsAKilledWorkersBuild() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("killedbuild", rows: [1])
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                // What a worker killed mid-copy leaves: a claimed spare, and no worker.
                try workspace.repository(database).spareRecords.claim(1, as: Names.spareDatabase(database, number: 1))
                try await expectSuccess(sandbox.odb(["info"], environment: ["ODB_BACKGROUND": "1"]))
                try await sandbox.waitForWorkers()
                let info = try JSONDecoder().decode(Info.self, from: Data(try await sandbox.odb(["info", "--json"]).output.utf8))
                #expect(info.spares.map(\.number) == [1])
            }
        }
    }

    @Suite struct DropTests {
        /// A repository whose revert left its old working database to drop, and that database.
        func replacedDatabase(_ sandbox: Sandbox) async throws -> (Repository, String) {
            let (_, workspace) = try await sandbox.tracked("replaced", rows: [1])
            let repository = try workspace.repository(options: .init(background: true))
            _ = try repository.commit(message: "")
            _ = try repository.revert(to: nil, keeping: false)  // discarded, not kept as a hidden state
            let discarded = try #require(
                try workspace.control.connection.query("SELECT dbname FROM odb.discarded").first?.string("dbname"))
            return (repository, discarded)
        }

        /// A drop interrupted by a crash leaves a database PostgreSQL marks invalid, which refuses
        /// every change but DROP DATABASE; odb drops it all the same.
        @Test func invalidDatabaseLeftByAnInterruptedDropIsDropped() async throws {
            try await withSandbox { sandbox in
                let (repository, discarded) = try await replacedDatabase(sandbox)
                try sandbox.connect().query(
                    "UPDATE pg_database SET datconnlimit = -2 WHERE datname = \(discarded)")
                #expect(try await repository.maintain().dropped == [discarded])
                #expect(try !sandbox.databases().contains(discarded))
            }
        }

        /// A database another odb is dropping (its claim held) is left to it.
        @Test func aClaimedDatabaseIsLeftToItsDropper() async throws {
            try await withSandbox { sandbox in
                let (repository, discarded) = try await replacedDatabase(sandbox)
                let other = try sandbox.connect(sandbox.control)
                try other.query("SELECT pg_advisory_lock(\(LockClass.drop.rawValue), hashtext(\(discarded)))")
                #expect(try repository.dropDiscarded(discarded) == false)
                #expect(try sandbox.databases().contains(discarded))
                try other.query("SELECT pg_advisory_unlock_all()")
                #expect(try repository.dropDiscarded(discarded))
                #expect(try !sandbox.databases().contains(discarded))
            }
        }
    }

    @Suite struct CopyTests {
        @Test func strategyCanBeChosen() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("strategy", rows: [1])
                for strategy in CopyStrategy.allCases {
                    let events = EventLog()
                    let repository = try workspace.repository(options: .init(strategy: strategy), events: events.record)
                    let target = sandbox.name("copy \(strategy.rawValue)")
                    let report = try repository.copy(from: database, to: target, frozen: false)
                    // A clone asked for where none can be made (the tests' server is on ext4) copies instead.
                    #expect(report.strategy == strategy || (strategy == .clone && report.strategy == .fileCopy))
                    #expect(events.all.contains(.copied(report)))
                    try sandbox.connect().query("ALTER DATABASE \(identifier: target) WITH ALLOW_CONNECTIONS true")
                    #expect(try sandbox.rows(target) == [1])
                }
            }
        }

        /// A copy that would leave too little room is refused before anything is made.
        @Test func copyRefusesToFillTheDisk() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("full", rows: [1])
                let repository = try workspace.repository()
                let target = sandbox.name("too big")
                #expect(throws: OdbError.self) {
                    try repository.copy(from: database, to: target, frozen: false, reserve: 1 << 60)
                }
                #expect(try !sandbox.databases().contains(target))
            }
        }

        /// A long statement calls back while the server works, then returns its rows.
        @Test func longStatementsReportWhileWaiting() async throws {
            try await withSandbox { sandbox in
                let connection = try sandbox.connect()
                var calls = 0
                let rows = try connection.query("SELECT pg_sleep(0.5), 42 AS answer", every: .milliseconds(50)) { calls += 1 }
                #expect(try rows.first?.int("answer") == 42)
                #expect(calls >= 3)
                #expect(throws: PostgresError.self) {
                    try connection.query("SELECT 1/0", every: .milliseconds(50)) {}
                }
                #expect(try connection.query("SELECT 1 AS one").first?.int("one") == 1)
            }
        }
    }
}
