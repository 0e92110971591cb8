import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// Reading a frozen revision: a read-only session, the revision frozen again at once.
    @Suite struct ReadingTests {
        @Test func aRevisionIsReadOnlyAndStaysFrozen() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("read", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                let revision = Names.revisionDatabase(database, number: 1)
                try repository.reading(.revision(.number(1))) { session in
                    #expect(try session.query("SELECT x FROM t").map { try $0.int("x") } == [1])
                    #expect(throws: PostgresError.self) { try session.query("INSERT INTO t VALUES (2)") }
                    // Frozen again while the session is still open.
                    let allowed = try sandbox.connect().query(
                        "SELECT datallowconn FROM pg_database WHERE datname = \(revision)"
                    ).first?.bool("datallowconn")
                    #expect(allowed == false)
                }
                try sandbox.expectAllFrozen()
            }
        }

        /// A revert to a revision being read does not wait for the reader: it ends its session.
        @Test func aRevertPreemptsAReader() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("preempt", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                try repository.reading(.revision(.number(1))) { session in
                    _ = try repository.revert(to: .number(1))
                    #expect(try sandbox.rows(database) == [1])
                    #expect(throws: PostgresError.self) { try session.query("SELECT 1") }
                }
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }
    }
}
