import Foundation
import Testing

@testable import Revisions

/// A restore with a background worker and no pre-swap hook leaves its restored revision for the
/// worker to load from the dump, instead of copying it before the swap: the revision exists in the
/// history at once, its database once the worker has loaded it.
extension Integration {
    @Suite struct PendingLoadTests {
        @Test func theWorkerLoadsTheRestoredRevisionFromTheDump() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("later", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                let manifest = try await sandbox.dump()
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")

                let restored = try await sandbox.restoreLeavingItsLoad(manifest.key, of: database)
                #expect(restored.loadedLater)
                #expect((restored.kept, restored.restored) == (2, 3))
                #expect(try sandbox.rows(database) == [1])
                #expect(try !sandbox.databases().contains(Names.revisionDatabase(database, number: 3)))
                let log = try await sandbox.odb(["log"])
                #expect(log.output.contains("(loading from its dump)"), "\(log.output)")

                // Needed while no worker loads it: one line that says what to run.
                let refused = try await sandbox.odb(["revert", "3"])
                expectOneLine(refused, containing: "odb maintain")
                #expect(try sandbox.rows(database) == [1])

                let maintained = try await sandbox.odb(["maintain"])
                try expectSuccess(maintained)
                #expect(maintained.output.contains("loaded revision 3"), "\(maintained.output)")
                try sandbox.connect(database).query("INSERT INTO t VALUES (5)")
                try await expectSuccess(sandbox.odb(["revert", "3"]))
                #expect(try sandbox.rows(database) == [1])
                try await expectSuccess(sandbox.odb(["revert", "2"]))
                #expect(try sandbox.rows(database) == [1, 2])
                // [1, 5] is the hidden state the revert to 3 kept.
                try sandbox.expectConsistent(database, states: [[1, 2]], revisions: [[1], [1, 2], [1, 5]])
            }
        }

        /// A load that fails (the dump gone from storage) is said by the worker and by the commands
        /// that need the revision, changes nothing else, and is tried again by the next worker.
        @Test func aFailedLoadIsSaidAndTriedAgain() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("failing", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let manifest = try await sandbox.dump()
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                let restored = try await sandbox.restoreLeavingItsLoad(manifest.key, of: database)
                let path = sandbox.dumpFolder + "/" + manifest.key
                try FileManager.default.moveItem(atPath: path, toPath: path + ".aside")

                let failed = try await sandbox.odb(["maintain"])
                try expectSuccess(failed)
                #expect(failed.output.contains("could not load revision \(restored.restored)"), "\(failed.output)")
                let refused = try await sandbox.odb(["checkout", String(restored.restored), "--as", sandbox.name("copy")])
                expectOneLine(refused, containing: "last try failed")
                #expect(try sandbox.rows(database) == [1])

                try FileManager.default.moveItem(atPath: path + ".aside", toPath: path)
                try await expectSuccess(sandbox.odb(["maintain"]))
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1], [1, 2]])
            }
        }

        /// A purge forgets a revision still to be loaded: no worker loads it afterwards.
        @Test func aPurgedRevisionIsNotLoaded() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("purged", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let manifest = try await sandbox.dump()
                let restored = try await sandbox.restoreLeavingItsLoad(manifest.key, of: database)
                try await expectSuccess(sandbox.odb(["purge", String(restored.restored), "-y"]))
                try await expectSuccess(sandbox.odb(["maintain"]))
                #expect(try !sandbox.databases().contains(Names.revisionDatabase(database, number: restored.restored)))
                let reverted = try await sandbox.odb(["revert", String(restored.restored)])
                expectOneLine(reverted, containing: "purged")
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }
    }
}

extension Sandbox {
    /// `odb restore KEY` with a background worker that finds the worker's lock on `database`
    /// taken and returns at once: the restored revision is left to load (`PendingRevisions`)
    /// until the next `odb maintain`, since the sandbox's commands start no worker.
    func restoreLeavingItsLoad(_ key: String, of database: String) async throws -> RestoreOutcome {
        let holder = try connect(control)
        try holder.query("SELECT pg_advisory_lock(\(LockClass.maintenance.rawValue), hashtext(\(database)))")
        let restored = try await restore([key], environment: ["ODB_BACKGROUND": "1"])
        try await waitForWorkers()
        try holder.query("SELECT pg_advisory_unlock_all()")
        return restored
    }
}
