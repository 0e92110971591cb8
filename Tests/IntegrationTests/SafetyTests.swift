import Foundation
import Testing

@testable import Revisions

extension Integration {
    @Suite struct SafetyTests {
        /// Owner, grants, settings, comment and connection limit survive a revert, which a plain
        /// template copy would lose.
        @Test func revertKeepsWhatATemplateCopyLoses() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("props", rows: [1])
                let role = sandbox.name("app role")
                let admin = try sandbox.connect()
                let before = try sandbox.giveProperties(to: database, ownedBy: role)

                let workspace = try await sandbox.workspace()
                _ = try workspace.track(database, create: false)
                let repository = try workspace.repository()
                _ = try repository.commit(message: "")
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                _ = try repository.revert(to: nil)

                #expect(try sandbox.rows(database) == [1])
                let after = try DatabaseProperties.read(database, on: admin)
                #expect(after?.owner == role)
                #expect(after?.comment == "it's the app's")
                #expect(after?.connectionLimit == 17)
                #expect(
                    Set(after?.grants.map { "\($0.grantee ?? "PUBLIC") \($0.privilege)" } ?? [])
                        == Set(before?.grants.map { "\($0.grantee ?? "PUBLIC") \($0.privilege)" } ?? []))
                #expect(Set(after?.settings ?? []) == Set(before?.settings ?? []))
                #expect(after?.settings.count == 3)
            }
        }

        /// An application holding connections is disconnected, told whose they were, and
        /// connections are allowed again afterwards.
        @Test func revertEndsOpenConnections() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("busy", rows: [1])
                let events = EventLog()
                let repository = try workspace.repository(events: events.record)
                _ = try repository.commit(message: "")
                let application = try Connection(conninfo: sandbox.conninfo, database: database, applicationName: "the app")
                try application.query("INSERT INTO t VALUES (2)")
                let outcome = try repository.revert(to: nil)
                #expect(outcome.endedSessions.map(\.application) == ["the app"])
                #expect(events.all.contains { if case .endedSessions = $0 { true } else { false } })
                #expect(throws: PostgresError.self) { try application.query("SELECT 1") }
                #expect(try sandbox.rows(database) == [1])
            }
        }

        /// With --no-terminate, odb refuses and changes nothing: no half-made copy is left, and
        /// connections are allowed again.
        @Test func noTerminateRefusesAndLeavesEverythingAsItWas() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("polite", rows: [1])
                _ = try workspace.repository().commit(message: "")
                let application = try Connection(conninfo: sandbox.conninfo, database: database)
                try application.query("INSERT INTO t VALUES (2)")
                let polite = try workspace.repository(options: .init(terminate: false))
                #expect(throws: OdbError.self) { try polite.revert(to: nil) }
                #expect(throws: OdbError.self) { try polite.commit(message: "") }
                #expect(try application.query("SELECT count(*) AS n FROM t").first?.int("n") == 2)
                #expect(try sandbox.databases() == [database, sandbox.control, Names.revisionDatabase(database, number: 1)])
                #expect(try DatabaseProperties.read(database, on: sandbox.connect())?.allowConnections == true)
                #expect(try polite.info().revision == 2)
                _ = try sandbox.connect(database)  // new connections are let in again
            }
        }

        /// A revert killed after building its copy, before the swap: the next command drops the
        /// copy and lets connections back in; the working database is untouched.
        @Test func interruptedRevertBeforeTheSwapIsRolledBack() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("crash1", rows: [1])
                let events = EventLog()
                let repository = try workspace.repository(events: events.record)
                _ = try repository.commit(message: "")
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                // What a killed revert leaves: its journal row, its copy, a fenced working database.
                let control = workspace.control.connection
                let replacement = Names.replacementDatabase(database)
                try control.query(
                    "INSERT INTO odb.operations (database, kind, number, made, replaced, allow_connections) VALUES (\(database), 'revert', 1, \(replacement), \(Names.discardedDatabase(database, oid: "1")), true)"
                )
                try repository.copy(from: Names.revisionDatabase(database, number: 1), to: replacement, frozen: false)
                try control.query("ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS false")

                _ = try repository.tag("after", revision: nil)
                #expect(
                    events.all.contains(
                        .recovered(database: database, Recovered(operation: "revert", number: 1, outcome: .rolledBack)))
                )
                #expect(try sandbox.rows(database) == [1, 2])
                #expect(!(try sandbox.databases().contains(replacement)))
                #expect(try control.query("SELECT count(*) AS n FROM odb.operations").first?.int("n") == 0)
            }
        }

        /// A commit killed after its copy, before its record: rolled back, the copy dropped.
        @Test func interruptedCommitIsRolledBack() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("crash3", rows: [1])
                let repository = try workspace.repository()
                let frozen = Names.revisionDatabase(database, number: 1)
                let control = workspace.control.connection
                try control.query(
                    "INSERT INTO odb.operations (database, kind, number, made, allow_connections) VALUES (\(database), 'commit', 1, \(frozen), true)"
                )
                try control.query("ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS false")
                try repository.copy(from: database, to: frozen, frozen: true)

                let outcome = try repository.commit(message: "again")
                #expect(outcome.committed == 1)
                #expect(try repository.log().map(\.message) == ["again"])
                _ = try sandbox.connect(database)
            }
        }

        /// A database someone else made under a revision's name is never touched.
        @Test func foreignDatabaseUnderARevisionNameIsRefused() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("squat", rows: [1])
                let squatter = Names.revisionDatabase(database, number: 1)
                try sandbox.connect().query("CREATE DATABASE \(identifier: squatter)")
                #expect(throws: OdbError.nameTaken(database: squatter)) {
                    try workspace.repository().commit(message: "")
                }
                #expect(try sandbox.databases().contains(squatter))
                #expect(try workspace.repository().info().revision == 1)
            }
        }

        /// Grants recorded for a role dropped since the commit cannot come back; the revert says so.
        @Test func revertNamesRolesThatAreGone() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("gone role", rows: [1])
                let role = try sandbox.makeRole("gone")
                let admin = try sandbox.connect()
                try admin.query("GRANT CONNECT ON DATABASE \(identifier: database) TO \(identifier: role)")
                let events = EventLog()
                let repository = try workspace.repository(events: events.record)
                _ = try repository.commit(message: "")
                try admin.query("REVOKE ALL ON DATABASE \(identifier: database) FROM \(identifier: role)")
                try admin.query("DROP ROLE \(identifier: role)")
                _ = try repository.revert(to: nil)
                #expect(events.all.contains { if case .rolesMissing(_, [role]) = $0 { true } else { false } })
                #expect(try sandbox.rows(database) == [1])
            }
        }

        /// Two odb processes on one database never interleave: the second waits, then gives up
        /// with a clear message.
        @Test func aSecondOdbWaitsForTheLock() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("lock", rows: [1])
                let first = try await sandbox.workspace()
                _ = try first.track(database, create: false)
                let second = try await sandbox.workspace()
                let events = EventLog()
                let waiting = try second.repository(
                    database, options: .init(lockTimeout: .milliseconds(200)), events: events.record)
                _ = try first.control.withLock(on: database, timeout: .seconds(1), events: { _ in }) {
                    #expect(throws: OdbError.self) { try waiting.commit(message: "") }
                }
                #expect(events.all.contains { if case .waitingForLock = $0 { true } else { false } })
                // The wait's lock_timeout was for that one statement, not for the session's later ones.
                #expect(try second.control.connection.query("SHOW lock_timeout").first?.string("lock_timeout") == "0")
                #expect(try waiting.commit(message: "").committed == 1)
            }
        }

        /// Reading commands take no lock: while another odb holds the database's (a long commit,
        /// say), they answer at once and never say that they wait.
        @Test func readingCommandsNeverWaitForAChange() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("reads", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                let holder = try sandbox.connect(sandbox.control)
                try holder.query("SELECT pg_advisory_lock(\(LockClass.database.rawValue), hashtext(\(database)))")
                defer { _ = try? holder.query("SELECT pg_advisory_unlock_all()") }
                for command in [
                    ["info"], ["log"], ["log", "-G"], ["tags"], ["status"], ["diff", "--stat"], ["tag", "first", "1"],
                ] {
                    let result = try await sandbox.odb(command)
                    #expect(result.succeeded, "\(command): \(result.errorOutput)")
                    #expect(!result.errorOutput.contains("waiting"), "\(command): \(result.errorOutput)")
                }
            }
        }

        /// A revert to a revision whose database was dropped by hand says so and changes nothing.
        @Test func revisionDroppedByHand() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("byhand", rows: [1])
                let repository = try workspace.repository()
                let frozen = try repository.commit(message: "").revisionDatabase
                try sandbox.connect().query("ALTER DATABASE \(identifier: frozen) WITH IS_TEMPLATE false")
                try sandbox.connect().query("DROP DATABASE \(identifier: frozen)")
                #expect(throws: OdbError.revisionDatabaseMissing(number: 1, database: frozen)) {
                    try repository.revert(to: .number(1))
                }
                #expect(try sandbox.rows(database) == [1])
            }
        }
    }
}

/// Collects the events a repository reports.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    var all: [Event] { lock.withLock { events } }
    func record(_ event: Event) { lock.withLock { events.append(event) } }
}

extension Sandbox {
    /// Gives `database` what a template copy loses, the way a DBA would: a new role `owner` owns
    /// it, PUBLIC's rights revoked and the owner's granted, two settings of its own and one of the
    /// owner's in it, a comment and a connection limit; returns its properties as odb reads them.
    func giveProperties(to database: String, ownedBy owner: String) throws -> DatabaseProperties? {
        let admin = try connect()
        try admin.query("CREATE ROLE \(identifier: owner)")
        try admin.query("ALTER DATABASE \(identifier: database) OWNER TO \(identifier: owner)")
        try admin.query("REVOKE ALL ON DATABASE \(identifier: database) FROM PUBLIC")
        try admin.query("GRANT CONNECT, TEMPORARY ON DATABASE \(identifier: database) TO \(identifier: owner)")
        try admin.query("ALTER DATABASE \(identifier: database) SET work_mem TO '12MB'")
        try admin.query("ALTER DATABASE \(identifier: database) SET search_path TO \"$user\", public, \"odd schema\"")
        try admin.query("ALTER ROLE \(identifier: owner) IN DATABASE \(identifier: database) SET statement_timeout TO '5s'")
        try admin.query("COMMENT ON DATABASE \(identifier: database) IS \(literal: "it's the app's")")
        try admin.query("ALTER DATABASE \(identifier: database) CONNECTION LIMIT 17")
        return try DatabaseProperties.read(database, on: admin)
    }
}
