import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// `odb status`: from statistics and a catalog digest recorded at commit and revert.
    @Suite struct StatusTests {
        @Test func beforeAndAfterWritesSchemaChangesAndAReset() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("status", rows: [1, 2])
                let repository = try workspace.repository()
                // Nothing committed: odb has nothing to compare with, and says so.
                #expect(try repository.status().verdict == .unknown)
                _ = try repository.commit(message: "one")
                #expect(try repository.status() == WorkingStatus(database: database, parent: 1, verdict: .unchanged))

                // A write shows within about a second (statistics are flushed when a session ends).
                try sandbox.connect(database).query("UPDATE t SET x = x + 10 WHERE x = 2")
                let written = try await sandbox.statusWhen(repository) { $0.verdict == .changed }
                #expect(written.tables == [.init(table: "public.t", kind: .written, rows: 1)])
                #expect(!written.schemaChanged)

                // A revert starts from the revision's baseline: unchanged again.
                _ = try repository.revert(to: nil)
                #expect(try repository.status().verdict == .unchanged)

                // DDL, a new table, a truncation and a sequence, through the built binary.
                try sandbox.connect(database).query("ALTER TABLE t ADD COLUMN y text")
                try sandbox.connect(database).query("CREATE TABLE u (id serial PRIMARY KEY)")
                try sandbox.connect(database).query("INSERT INTO u DEFAULT VALUES")
                try sandbox.connect(database).query("TRUNCATE t")
                let changed = try await sandbox.statusWhen(repository) { $0.tables.count == 2 }
                #expect(changed.schemaChanged)
                #expect(Set(changed.tables.map(\.kind)) == [.added, .rewritten])
                #expect(changed.sequences == ["public.u_id_seq"])
                let shown = try await sandbox.odb(["status"])
                try expectSuccess(shown)
                #expect(shown.output.hasPrefix("\(database): changed since revision 1"))
                #expect(shown.output.contains("schema changed"))
                #expect(shown.output.contains("public.u: new table"))

                // Reset statistics: odb cannot know, and never says "unchanged".
                _ = try repository.commit(message: "two")
                #expect(try repository.status().verdict == .unchanged)
                try sandbox.connect(database).query("SELECT pg_stat_reset()")
                let reset = try repository.status()
                #expect(reset.verdict == .unknown)
                #expect(reset.reason == "its statistics were reset")
            }
        }

        /// `--exact` compares rows: a row inserted and deleted again is no change, whatever the
        /// statistics counted; an update is one.
        @Test func exactComparesTheRows() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("exact", rows: [1, 2])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                try sandbox.connect(database).query("INSERT INTO t VALUES (3)")
                try sandbox.connect(database).query("DELETE FROM t WHERE x = 3")
                let counted = try await sandbox.statusWhen(repository) { $0.verdict == .changed }
                #expect(counted.verdict == .changed)
                #expect(try repository.exactStatus() == WorkingStatus(database: database, parent: 1, verdict: .unchanged, exact: true))

                try sandbox.connect(database).query("UPDATE t SET x = 20 WHERE x = 2")
                let exact = try await sandbox.odb(["status", "--exact"])
                try expectSuccess(exact)
                #expect(exact.output.hasPrefix("\(database): changed since revision 1\n"), "\(exact.output)")
                // A keyless table: the old row removed, the new one added.
                #expect(exact.output.contains("public.t: 2 rows differ"))
                try sandbox.expectAllFrozen()
            }
        }

        @Test func aDatabaseReplacedOutsideOdbIsUnknown() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("replaced", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                let connection = try sandbox.connect()
                try connection.query("DROP DATABASE \(identifier: database)")
                try connection.query("CREATE DATABASE \(identifier: database)")
                let status = try repository.status()
                #expect(status.verdict == .unknown)
                #expect(status.reason == "the working database was replaced outside odb")
            }
        }
    }
}

extension Sandbox {
    /// The status once `condition` holds, polled with a deadline: statistics reach the server's
    /// counters a moment after the session that wrote ends.
    func statusWhen(
        _ repository: Repository, deadline: Duration = .seconds(20), _ condition: (WorkingStatus) -> Bool
    ) async throws -> WorkingStatus {
        let end = ContinuousClock.now + deadline
        while true {
            let status = try repository.status()
            if condition(status) || ContinuousClock.now >= end { return status }
            try await Task.sleep(for: .milliseconds(20))  // the poll's interval, under the deadline above
        }
    }
}
