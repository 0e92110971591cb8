import Foundation
import Testing

@testable import Revisions

/// What a real server holds that odb must respect: roles and their settings made by others,
/// databases that are not odb's to use, names in odb's own namespace, a purge racing a tag.
extension Integration {
    @Suite struct DatabaseSafetyTests {
        /// A DBA's `ALTER ROLE … IN DATABASE … SET` cannot be restored by the owner (CREATEDB, not
        /// a superuser): the revert still works, and says what it left out.
        @Test func aSettingTheOwnerMayNotRestoreIsLeftOutWithAWarning() async throws {
            try await withSandbox { sandbox in
                let owner = try sandbox.makeRole("owner", "CREATEDB")
                let reader = try sandbox.makeRole("reader")
                let database = sandbox.name("per role")
                let admin = try sandbox.connect()
                try admin.query("CREATE DATABASE \(identifier: database) OWNER \(identifier: owner)")
                try admin.query(
                    "ALTER ROLE \(identifier: reader) IN DATABASE \(identifier: database) SET search_path = s1, public")
                let url = sandbox.conninfo + " user=\(owner)"
                try await expectSuccess(sandbox.odb(["init", database], url: url))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"], url: url))
                let reverted = try await sandbox.odb(["revert"], url: url)
                try expectSuccess(reverted)
                #expect(reverted.errorOutput.contains("not permitted to restore"), "\(reverted.errorOutput)")
                #expect(reverted.errorOutput.contains("ALTER ROLE"), "\(reverted.errorOutput)")
                try await expectSuccess(sandbox.odb(["revert"], url: url))
                _ = try sandbox.connect(database)
            }
        }

        /// A spare is a hidden copy: it must not keep alive a role the working database no longer
        /// names, or the DBA's `DROP ROLE` fails for a reason they cannot see.
        @Test func sparesDoNotPinRoles() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("pin", rows: [1])
                let role = try sandbox.makeRole("pinned")
                let admin = try sandbox.connect()
                try admin.query("GRANT CONNECT ON DATABASE \(identifier: database) TO \(identifier: role)")
                try await expectSuccess(sandbox.odb(["commit", "-m", "granted"]))
                try await expectSuccess(sandbox.odb(["maintain"]))
                #expect(try sandbox.databases().contains(Names.spareDatabase(database, number: 1)))
                try admin.query("REVOKE ALL ON DATABASE \(identifier: database) FROM \(identifier: role)")
                try admin.query("DROP ROLE \(identifier: role)")
                // The revert to the spare then says the grant's role is gone, and works.
                let reverted = try await sandbox.odb(["revert"])
                try expectSuccess(reverted)
                #expect(reverted.errorOutput.contains("no longer exist"), "\(reverted.errorOutput)")
            }
        }

        /// A revert through a spare gives it the revision's grants, in the swap's transaction.
        @Test func aSpareGetsItsGrantsWhenSwappedIn() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("grants", rows: [1])
                let role = try sandbox.makeRole("granted")
                let admin = try sandbox.connect()
                try admin.query("GRANT CONNECT ON DATABASE \(identifier: database) TO \(identifier: role)")
                try await expectSuccess(sandbox.odb(["commit", "-m", "granted"]))
                try await expectSuccess(sandbox.odb(["maintain"]))
                let spare = Names.spareDatabase(database, number: 1)
                let acl = { (name: String) in
                    try admin.query("SELECT coalesce(datacl::text, '') AS acl FROM pg_database WHERE datname = \(name)")
                        .first?.string("acl") ?? ""
                }
                #expect(try !acl(spare).contains(role))
                try await expectSuccess(sandbox.odb(["revert", "-v"]))
                #expect(try acl(database).contains(role))
            }
        }

        /// odb's metadata goes only into a database odb made (or an empty one): never a tracked
        /// database, a user's database or `postgres`.
        @Test(arguments: ["tracked", "postgres", "user"])
        func aControlDatabaseMustBeOdbs(_ kind: String) async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("host1", rows: [1])
                let other = try sandbox.makeDatabase("appdata", rows: [1])
                let control = ["tracked": database, "postgres": "postgres", "user": other][kind]!
                let result = try await Program(
                    Sandbox.executable, ["init", sandbox.name("new"), "--url", sandbox.conninfo, "--control-db", control],
                    environment: .inherited(changing: ["ODB_URL": nil, "PGHOST": nil, "ODB_BACKGROUND": "0"]),
                    workingDirectory: sandbox.directory
                ).result()
                expectOneLine(result, containing: "is not an odb control database")
                let schemas = try sandbox.connect(control).query("SELECT 1 FROM pg_namespace WHERE nspname = 'odb'")
                #expect(schemas.isEmpty)
                #expect(try sandbox.rows(database) == [1])
            }
        }

        /// A name odb would give one of its own databases is never tracked.
        @Test(arguments: ["*5", "*5-spare", "*odb-new", "*odb-old-16384"])
        func namesInOdbsNamespaceAreRefused(_ suffix: String) async throws {
            try await withSandbox { sandbox in
                let name = sandbox.name("demo") + suffix
                let result = try await sandbox.odb(["init", name])
                expectOneLine(result, containing: "named like the databases odb makes")
                #expect(try !sandbox.databases().contains(name))
            }
        }

        /// A revision tagged after a `purge keeptags` was planned (while it waited for the lock)
        /// is kept: the purge decides again under the lock.
        @Test func aRevisionTaggedWhilePurgeWaitedIsKept() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("race", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                _ = try repository.commit(message: "two")
                let plan = try repository.purgePlan(.keeptags)
                #expect(plan.revisions == [1, 2])
                _ = try repository.tag("keep", revision: .number(1))
                #expect(try repository.purge(plan) == [2])
                #expect(try sandbox.databases().contains(Names.revisionDatabase(database, number: 1)))
                #expect(try !sandbox.databases().contains(Names.revisionDatabase(database, number: 2)))
            }
        }
    }
}

extension Integration.DatabaseSafetyTests {
    /// A subscription lives in its database (`pg_subscription.subdbid`): a rename swap would leave
    /// it following the replaced database, which could then never be dropped. odb refuses.
    @Test func aRevertRefusesADatabaseWithASubscription() async throws {
        try await withSandbox { sandbox in
            let (database, _) = try await sandbox.tracked("subscriber", rows: [1])
            try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
            let subscriber = try sandbox.connect(database)
            let name = sandbox.prefix + "_sub"
            try subscriber.query(
                """
                CREATE SUBSCRIPTION \(identifier: name) CONNECTION 'host=/nonexistent dbname=none'
                PUBLICATION nothing WITH (connect = false)
                """)
            let result = try await sandbox.odb(["revert"])
            try subscriber.query("ALTER SUBSCRIPTION \(identifier: name) SET (slot_name = NONE)")
            try subscriber.query("DROP SUBSCRIPTION \(identifier: name)")
            expectOneLine(result, containing: "subscription \(name)")
            try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
            try await expectSuccess(sandbox.odb(["revert"]))
        }
    }
}

extension Integration.DatabaseSafetyTests {
    /// Two control databases tracking one database would drop each other's revisions: the second
    /// `init`, which cannot see the first (unmarked here, as another role's may be unreadable),
    /// sees revision databases it did not make and refuses.
    @Test func aDatabaseTrackedByAnotherControlDatabaseIsRefused() async throws {
        try await withSandbox { sandbox in
            let (database, _) = try await sandbox.tracked("twin", rows: [1])
            try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
            try sandbox.connect().query("COMMENT ON DATABASE \(identifier: sandbox.control) IS NULL")
            let result = try await sandbox.odbElsewhere(["init", database], control: sandbox.prefix + "_other")
            expectOneLine(result, containing: "tracked by another odb control database")
            try sandbox.connect().query("DROP DATABASE IF EXISTS \(identifier: sandbox.prefix + "_other")")
            try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
        }
    }
}

extension Integration.DatabaseSafetyTests {
    /// Two copies at once with room for one: the disk check counts what the other copies under
    /// way have still to write, and keeps a margin of the disk free.
    @Test func theDiskCheckCountsCopiesUnderWay() async throws {
        try await withSandbox { sandbox in
            let (small, workspace) = try await sandbox.tracked("small", rows: [1])
            let big = try sandbox.makeDatabase("big")
            try sandbox.connect(big).query("INSERT INTO t SELECT g FROM generate_series(1, 200000) g")
            _ = try workspace.track(big, create: false)
            let repository = try workspace.repository(small)
            let storage = workspace.control.storage()
            let alone = try repository.spaceNeeded(copying: 1 << 20, strategy: .fileCopy, reserve: 0, into: "x", on: storage)
            // What a commit of `big` killed mid-copy, or still running, leaves in the journal.
            try workspace.repository(big).journal.record(
                .init(
                    kind: .commit, number: 1, made: Names.revisionDatabase(big, number: 1), replaced: nil, allowConnections: true)
            )
            let beside = try repository.spaceNeeded(copying: 1 << 20, strategy: .fileCopy, reserve: 0, into: "x", on: storage)
            let bigSize = try sandbox.connect().databaseSize(big)
            #expect(beside - alone == bigSize)
            #expect(alone >= (1 << 20) + (64 << 20))
            try workspace.repository(big).journal.clear()
        }
    }
}

extension Integration.DatabaseSafetyTests {
    /// A spare the background worker could not build is not a silent failure: `info`, `spares`
    /// and the next revert say so, and why; a later build clears it.
    @Test func aSpareThatCouldNotBeBuiltIsReported() async throws {
        try await withSandbox { sandbox in
            let (database, _) = try await sandbox.tracked("unbuilt", rows: [1])
            try await expectSuccess(sandbox.odb(["spares", "--keep", "0"]))
            try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
            let revision = Names.revisionDatabase(database, number: 1)
            let admin = try sandbox.connect()
            try admin.query("ALTER DATABASE \(identifier: revision) WITH ALLOW_CONNECTIONS true")
            let holder = try sandbox.connect(revision)
            try await expectSuccess(sandbox.odb(["spares", "--keep", "1"]))
            let maintained = try await sandbox.odb(["maintain"])
            #expect(!maintained.succeeded)
            let info = try await sandbox.odb(["info"])
            #expect(info.output.contains("the spare of revision 1 could not be built (revision in use"), "\(info.output)")
            #expect(try await sandbox.odb(["spares"]).output.contains("could not be built"))
            let json = try await sandbox.odb(["info", "--json"])
            #expect(json.output.contains("\"problem\" : \"revision in use\""), "\(json.output)")
            _ = holder
            try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(revision)")
            try admin.query("ALTER DATABASE \(identifier: revision) WITH ALLOW_CONNECTIONS false")
            try await expectSuccess(sandbox.odb(["maintain"]))
            #expect(try await !sandbox.odb(["info"]).output.contains("could not be built"))
        }
    }
}
