import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// A purge decides and forgets under the database's lock, then drops off it: a drop that takes
    /// long (here held still by another session's uncommitted rename of the revision database)
    /// never keeps a commit waiting.
    @Suite struct PurgeOffTheLockTests {
        @Test func aCommitGoesThroughWhileAPurgeDrops() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("slowpurge", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "two"]))
                let revision = Names.revisionDatabase(database, number: 1)
                let holder = try sandbox.connect()
                try holder.query("BEGIN")
                try holder.query("ALTER DATABASE \(identifier: revision) RENAME TO \(identifier: revision + "x")")
                let purge = Task { try await sandbox.odb(["purge", "1", "-y"]) }
                // The purge's drop (its ALTER DATABASE … IS_TEMPLATE false first) waits for that rename.
                try await sandbox.waitUntil {
                    try !holder.sibling().query(
                        """
                        SELECT 1 FROM pg_stat_activity
                        WHERE (query ILIKE 'DROP DATABASE%' OR query ILIKE 'ALTER DATABASE%IS_TEMPLATE%') AND strpos(query, \(revision)) > 0
                          AND wait_event_type = 'Lock'
                        """
                    ).isEmpty
                }
                let commit = try await sandbox.odb(["commit", "-m", "three"])
                try expectSuccess(commit)
                #expect(!commit.errorOutput.contains("waiting"), "\(commit.errorOutput)")
                try holder.query("ROLLBACK")
                try expectSuccess(try await purge.value)
                #expect(try !sandbox.databases().contains(revision))
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }
    }
}
