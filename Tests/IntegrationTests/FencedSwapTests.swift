import Foundation
import Testing

@testable import Revisions

/// The fenced swap driven directly, with a replacement the test makes itself: the seam through
/// which restore and a failed migration put a database in place of the working one.
extension Integration {
    @Suite struct FencedSwapTests {
        /// A tracked database holding [1, 2] with revision 1 holding [1], and a replacement the
        /// test filled with [7] under another name, not connectable, as a restore would leave it;
        /// the working database's properties, which the replacement is to keep.
        func prepared(_ sandbox: Sandbox) async throws -> (Repository, String, Journal.Entry) {
            let (database, workspace) = try await sandbox.tracked("swap", rows: [1])
            let repository = try workspace.repository()
            _ = try repository.commit(message: "one")
            try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
            let replacement = try sandbox.makeDatabase("replacement", rows: [7])
            try sandbox.connect().query("ALTER DATABASE \(identifier: replacement) WITH ALLOW_CONNECTIONS false")
            let entry = Journal.Entry(
                kind: .restore, number: 1, made: replacement, replaced: try repository.asideName(), allowConnections: true)
            try repository.journal.record(entry)
            return (repository, replacement, entry)
        }

        func properties(_ repository: Repository) throws -> DatabaseProperties {
            try #require(try DatabaseProperties.read(repository.database, on: repository.connection))
        }

        @Test func theReplacementTakesTheNameAndTheReplacedIsKeptFrozen() async throws {
            try await withSandbox { sandbox in
                let (repository, replacement, entry) = try await prepared(sandbox)
                let reader = try sandbox.connect(repository.database)
                try repository.swap(in: replacement, entry: entry, replaced: .keep, restoring: try properties(repository)) {
                    try repository.tracking.setParent(1, baseline: nil)
                }
                #expect(try sandbox.rows(repository.database) == [7])
                #expect(throws: PostgresError.self) { try reader.query("SELECT 1") }  // the fence ended it
                let aside = try #require(entry.replaced)
                #expect(try sandbox.frozenRows(aside) == [1, 2])
                let catalog = try sandbox.connect().query(
                    "SELECT datallowconn, datistemplate FROM pg_database WHERE datname = \(aside)")
                #expect(try catalog.first?.bool("datallowconn") == false)
                #expect(try catalog.first?.bool("datistemplate") == true)
                #expect(try repository.journal.entry() == nil)
                #expect(try repository.discarded.names().isEmpty)
                #expect(try repository.workingParent() == 1)
                try sandbox.connect().query("ALTER DATABASE \(identifier: aside) WITH IS_TEMPLATE false")
            }
        }

        @Test func theReplacedIsListedForDroppingWhenNotKept() async throws {
            try await withSandbox { sandbox in
                let (repository, replacement, entry) = try await prepared(sandbox)
                try repository.swap(in: replacement, entry: entry, replaced: .discard, restoring: try properties(repository)) {}
                #expect(try sandbox.rows(repository.database) == [7])
                #expect(try repository.discarded.names() == [try #require(entry.replaced)])
                try repository.dropDiscarded()
                #expect(try !sandbox.databases().contains(try #require(entry.replaced)))
            }
        }

        /// A swap whose transaction fails changes nothing: the working database keeps its state
        /// and accepts connections again; the caller's rollback then drops the replacement.
        @Test func aFailedSwapChangesNothing() async throws {
            try await withSandbox { sandbox in
                let (repository, replacement, entry) = try await prepared(sandbox)
                struct RecordFailed: Error {}
                #expect(throws: RecordFailed.self) {
                    try repository.swap(in: replacement, entry: entry, replaced: .discard, restoring: try properties(repository))
                    {
                        throw RecordFailed()
                    }
                }
                #expect(try sandbox.rows(repository.database) == [1, 2])
                #expect(try sandbox.databases().contains(replacement))
                #expect(try repository.journal.entry() == entry)
                try repository.rollBack(entry)
                #expect(try !sandbox.databases().contains(replacement))
                #expect(try repository.journal.entry() == nil)
                try sandbox.expectConsistent(repository.database, states: [[1, 2]], revisions: [[1]])
            }
        }

        /// Killed before the swap's transaction, the next command's recovery undoes it.
        @Test func anInterruptedSwapIsUndoneByTheNextCommand() async throws {
            try await withSandbox { sandbox in
                let (repository, replacement, _) = try await prepared(sandbox)
                try sandbox.connect().query(
                    "ALTER DATABASE \(identifier: repository.database) WITH ALLOW_CONNECTIONS false")  // the fence, left up
                #expect(try repository.recoverAbandoned() == Recovered(operation: "restore", number: 1, outcome: .rolledBack))
                #expect(try !sandbox.databases().contains(replacement))
                try sandbox.expectConsistent(repository.database, states: [[1, 2]], revisions: [[1]])
            }
        }
    }
}
