import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// A role that owns something inside a revision cannot be dropped (PostgreSQL counts what a
    /// role holds across databases): `odb log --holding ROLE` names the revisions that hold it, and
    /// once they are purged the DBA's DROP ROLE goes through.
    @Suite struct RoleHoldingTests {
        @Test func logHoldingNamesTheRevisionsThatKeepARole() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("holder", rows: [1])
                let role = sandbox.name("leaver")
                let admin = try sandbox.connect()
                try admin.query("CREATE ROLE \(identifier: role)")
                let working = try sandbox.connect(database)
                try working.query("CREATE TABLE owned (x integer)")
                try working.query("ALTER TABLE owned OWNER TO \(identifier: role)")
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "with the role's table"]))
                try sandbox.connect(database).query("DROP TABLE owned")  // the commit ended the first session
                try await expectSuccess(sandbox.odb(["commit", "-m", "without it"]))

                let holding = try await sandbox.odb(["log", "--holding", role, "--json"])
                try expectSuccess(holding)
                let numbers = try JSONDecoder().decode([LogNumber].self, from: Data(holding.output.utf8)).map(\.number)
                #expect(numbers == [1])
                #expect(throws: PostgresError.self) { try admin.query("DROP ROLE \(identifier: role)") }

                try await expectSuccess(sandbox.odb(["purge", "1", "-y"]))
                let none = try await sandbox.odb(["log", "--holding", role])
                #expect(none.output.contains("no revision database holds anything of role"), "\(none.output)")
                try admin.query("DROP ROLE \(identifier: role)")
            }
        }
    }
}

/// The number of one entry of `odb log --json`.
private struct LogNumber: Decodable { let number: Int }
