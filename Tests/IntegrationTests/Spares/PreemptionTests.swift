import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// A command the user typed does not wait for the background worker's copy: it cancels it,
    /// and the worker it starts afterwards builds the spare again.
    @Suite struct PreemptionTests {
        @Test func aCommitPreemptsASpareBuild() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("preempt", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                // Hold the worker's copy of revision 1 still: an uncommitted rename of its
                // database locks it, and the copy waits for that lock (as a long copy would run).
                let revision = Names.revisionDatabase(database, number: 1)
                let holder = try sandbox.connect()
                try holder.query("BEGIN")
                try holder.query("ALTER DATABASE \(identifier: revision) RENAME TO \(identifier: revision + "x")")
                let worker = Task { try await sandbox.odb(["maintain"], timeout: .seconds(120)) }
                try await sandbox.waitUntil {
                    try !holder.sibling().query(
                        """
                        SELECT 1 FROM pg_stat_activity
                        WHERE query ILIKE 'CREATE DATABASE%' AND query LIKE '%' || \(Names.spareDatabase(database, number: 1)) || '%'
                          AND wait_event_type = 'Lock'
                        """
                    ).isEmpty
                }

                let commit = try await sandbox.odb(["commit", "-v", "-m", "two"], environment: ["ODB_BACKGROUND": "1"])
                try expectSuccess(commit)
                #expect(commit.errorOutput.contains("stopped the background worker's copy"), "\(commit.errorOutput)")
                // Released before the preempted worker is awaited: once the commit is done, that
                // worker builds again (unless the commit's own worker is at it first), and its
                // copy would wait for this lock.
                try holder.query("ROLLBACK")
                try expectSuccess(try await worker.value)

                // The worker the commit started builds the spare of the new parent.
                try await sandbox.waitForWorkers()
                #expect(try sandbox.databases().contains(Names.spareDatabase(database, number: 2)))
                #expect(
                    try sandbox.connect(sandbox.control).query("SELECT spare_failure FROM odb.databases").first?
                        .optionalString("spare_failure") == nil)
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }

        /// A revert to the very revision whose spare the worker is building through the WAL (as
        /// spares are built where they cannot clone) cancels that build and makes its own copy:
        /// the rest of a build that writes every byte twice can take longer than a copy. (The
        /// rest of a clone or of a file copy it waits for; the tests' servers cannot clone, and a
        /// spare never copies file by file.)
        @Test func aRevertCancelsASpareOfItsOwnTargetBuiltThroughTheWAL() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("awaited", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                // The worker's copy of revision 1 held still, as in aCommitPreemptsASpareBuild.
                let revision = Names.revisionDatabase(database, number: 1)
                let holder = try sandbox.connect()
                try holder.query("BEGIN")
                try holder.query("ALTER DATABASE \(identifier: revision) RENAME TO \(identifier: revision + "x")")
                let spare = Names.spareDatabase(database, number: 1)
                let worker = Task { try await sandbox.odb(["maintain"], timeout: .seconds(120)) }
                try await sandbox.waitUntil {
                    try !holder.sibling().query(
                        """
                        SELECT 1 FROM pg_stat_activity
                        WHERE query ILIKE 'CREATE DATABASE%' AND strpos(query, \(spare)) > 0 AND wait_event_type = 'Lock'
                        """
                    ).isEmpty
                }
                let revert = Task {
                    try await sandbox.odb(["revert", "-v", "1"], environment: ["ODB_BACKGROUND": "1"], timeout: .seconds(120))
                }
                // The revert has cancelled the build and waits, as its own copy, for the same lock.
                let replacement = Names.replacementDatabase(database)
                try await sandbox.waitUntil {
                    try !holder.sibling().query(
                        """
                        SELECT 1 FROM pg_stat_activity
                        WHERE query ILIKE 'CREATE DATABASE%' AND strpos(query, \(replacement)) > 0 AND wait_event_type = 'Lock'
                        """
                    ).isEmpty
                }
                try holder.query("ROLLBACK")

                let reverted = try await revert.value
                try expectSuccess(reverted)
                #expect(reverted.errorOutput.contains("stopped the background worker's copy"), "\(reverted.errorOutput)")
                #expect(!reverted.errorOutput.contains("swapped in the spare of revision 1"), "\(reverted.errorOutput)")
                #expect(reverted.errorOutput.contains("copied '"), "\(reverted.errorOutput)")
                try expectSuccess(try await worker.value)
                try await sandbox.waitForWorkers()
                #expect(try sandbox.rows(database) == [1])
            }
        }
    }
}
