import Testing

@testable import Revisions

extension Integration {
    /// `odb info` measures databases a background worker may be dropping meanwhile.
    @Suite struct VanishingDatabaseTests {
        /// Queries pass through, answering as they would alone: a database gone before the query
        /// started measures as nothing on 15 and fails the query on 18, after a few tries.
        @Test func queriesPassThrough() async throws {
            try await withSandbox { sandbox in
                let connection = try sandbox.connect()
                let missing: SQL = "SELECT pg_database_size(4000000000::oid) AS size"
                let alone = (try? connection.query(missing)).map { try? $0.first?.optionalString("size") }
                let retried = (try? connection.queryWhileDatabasesDrop(missing, patience: .milliseconds(200))).map {
                    try? $0.first?.optionalString("size")
                }
                #expect(alone == retried)
                // Where the server fails it (16 and later), its error is one the retry knows: on 18
                // it is 42704, which odb info once passed on while a worker dropped a database.
                do {
                    _ = try connection.query(missing)
                } catch let error as PostgresError {
                    #expect(
                        Connection.vanishedStates.contains(error.sqlState), "\(error.sqlState.map(\.rawValue) ?? "no SQLSTATE")")
                }
                #expect(try connection.queryWhileDatabasesDrop("SELECT 1 AS one").first?.int("one") == 1)
            }
        }

        /// Info, asked again and again while the databases replaced by reverts are dropped, answers.
        @Test func infoAnswersWhileDatabasesAreDropped() async throws {
            try await withSandbox { sandbox in
                let (_, workspace) = try await sandbox.tracked("vanishing", rows: [1])
                let repository = try workspace.repository(options: .init(background: true))
                _ = try repository.commit(message: "one")
                for _ in 0..<3 { _ = try repository.revert(to: nil) }
                let dropping = Task.detached {
                    let other = try await sandbox.workspace()
                    try other.repository(sandbox.name("vanishing")).dropDiscarded()
                }
                for _ in 0..<50 { _ = try repository.info() }
                try await dropping.value
                #expect(try repository.info().discardedSize == 0)
            }
        }
    }
}
