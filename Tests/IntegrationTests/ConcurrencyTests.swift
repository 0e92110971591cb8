import Foundation
import Synchronization
import Testing

@testable import Revisions

extension Integration {
    @Suite struct ConcurrencyTests {
        static let processes = 8
        static let operationsEach = 32

        /// Eight odb processes at once on one tracked database, with background workers building
        /// spares: every command succeeds, and the history ends consistent with no lost revision.
        @Test func manyProcessesOnOneDatabase() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("stress", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "base"]))
                let background: [String: String?] = ["ODB_BACKGROUND": "1"]

                let outcomes = try await withThrowingTaskGroup(of: [String: Int].self) { group in
                    for process in 0..<Self.processes {
                        group.addTask {
                            var done: [String: Int] = [:]
                            for step in 0..<Self.operationsEach {
                                let (kind, arguments): (String, [String]) =
                                    switch (process + step) % 6 {
                                    case 0, 3: ("commit", ["commit", "-m", "p\(process) s\(step)"])
                                    case 1: ("revert", ["revert"])
                                    case 2: ("log", ["log", "-l", "5", "-G"])
                                    case 4: ("tag", ["tag", "p\(process)-\(step)"])
                                    default: ("info", ["info"])
                                    }
                                let result = try await sandbox.odb(arguments, environment: background)
                                #expect(result.succeeded, "\(arguments): \(result.errorOutput)")
                                if result.succeeded { done[kind, default: 0] += 1 }
                            }
                            return done
                        }
                    }
                    return try await group.reduce(into: [:]) { total, done in total.merge(done, uniquingKeysWith: +) }
                }
                #expect(outcomes.values.reduce(0, +) == Self.processes * Self.operationsEach)
                try await sandbox.waitForWorkers()
                try await expectSuccess(sandbox.odb(["maintain"]))

                let control = try sandbox.connect(sandbox.control)
                let revisions = try control.query(
                    "SELECT number, parent FROM odb.revisions WHERE database = \(database) AND number > 0 ORDER BY number"
                ).map { (try $0.int("number"), try $0.int("parent")) }
                // The states reverts kept (see HiddenStatesTests) are numbered -1, -2, … without a gap.
                let hidden = try control.query(
                    "SELECT number FROM odb.revisions WHERE database = \(database) AND number < 0 ORDER BY number DESC"
                ).map { try $0.int("number") }
                #expect(hidden == hidden.indices.map { -$0 - 1 } && hidden.count <= outcomes["revert"] ?? 0)
                let commits = 1 + (outcomes["commit"] ?? 0)
                #expect(revisions.map(\.0) == Array(1...commits))
                #expect(revisions.allSatisfy { number, parent in parent == 0 ? number == 1 : parent < number })
                let state = try #require(
                    try control.query("SELECT revision, parent FROM odb.databases WHERE name = \(database)").first)
                #expect(try state.int("revision") == commits + 1)
                #expect(try control.query("SELECT count(*) AS n FROM odb.tags").first?.int("n") == outcomes["tag"])
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }

        /// odb's lock is per tracked database: a change to one never waits for another.
        @Test func twoDatabasesDoNotBlockEachOther() async throws {
            try await withSandbox { sandbox in
                let (first, workspace) = try await sandbox.tracked("first", rows: [1])
                let second = try sandbox.makeDatabase("second", rows: [2])
                let other = try await sandbox.workspace()
                _ = try other.track(second, create: false)
                let blocked = try other.repository(second, options: .init(lockTimeout: .seconds(1)))
                let outcome = try workspace.control.withLock(on: first, timeout: .seconds(1), events: { _ in }) {
                    try blocked.commit(message: "while the other is locked")
                }
                #expect(outcome.committed == 1)
            }
        }

        /// An application writing during a commit is disconnected cleanly, and every row it was
        /// told was committed before that is in the revision.
        @Test func writerDuringCommitLosesNothingItCommitted() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("writer")
                let acknowledged = Atomic<Int>(0)
                let writer = startOffThePool { () throws -> PostgresError? in  // runs until the commit ends it
                    let connection = try sandbox.connect(database)
                    var next = 1
                    do {
                        while !Task.isCancelled {
                            try connection.query("INSERT INTO t VALUES (\(next))")
                            acknowledged.store(next, ordering: .sequentiallyConsistent)
                            next += 1
                        }
                    } catch let error as PostgresError {
                        return error
                    }
                    return nil
                }
                let deadline = ContinuousClock.now + .seconds(30)
                while acknowledged.load(ordering: .sequentiallyConsistent) < 50, ContinuousClock.now < deadline {
                    await Task.yield()
                }
                let outcome = try workspace.repository().commit(message: "under load")
                let ending = try #require(try await writer.value)
                #expect(OdbError(ending) != nil, "\(ending)")
                #expect(outcome.endedSessions.count == 1)
                let committed = acknowledged.load(ordering: .sequentiallyConsistent)
                let frozen = try sandbox.frozenRows(outcome.revisionDatabase)
                #expect(frozen.count >= committed)
                #expect(Array(frozen.prefix(committed)) == Array(1...committed))
            }
        }
    }
}
