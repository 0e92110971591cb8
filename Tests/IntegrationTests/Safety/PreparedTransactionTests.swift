import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// A prepared transaction holds a database as a session does, and terminating cannot end it.
    @Suite struct PreparedTransactionTests {
        @Test func commitAndRevertSayHowToFinishIt() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("prepared", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                let gid = sandbox.prefix + "-2pc"
                let session = try sandbox.connect(database)
                try session.query("BEGIN")
                try session.query("INSERT INTO t VALUES (2)")
                try session.query("PREPARE TRANSACTION \(literal: gid)")
                defer { _ = try? sandbox.connect(database).query("ROLLBACK PREPARED \(literal: gid)") }

                for command in [["commit", "-m", "two"], ["revert", "1"]] {
                    let refused = try await sandbox.odb(command)
                    expectOneLine(refused, containing: "1 prepared transaction ('\(gid)')")
                    #expect(refused.errorOutput.contains("ROLLBACK PREPARED '\(gid)'"))
                    #expect(!refused.errorOutput.contains("--no-terminate"))
                }
                try sandbox.connect(database).query("COMMIT PREPARED \(literal: gid)")
                try await expectSuccess(sandbox.odb(["commit", "-m", "two"]))
                try sandbox.expectConsistent(database, states: [[1, 2]])
            }
        }
    }
}
