import Foundation
import Testing

@testable import Revisions

/// Every wait has a deadline and says what it waited for and whose session held it.
extension Integration {
    @Suite struct WaitTests {
        /// A server that accepts TCP connections and never answers: odb gives up after its
        /// connect_timeout with one line, instead of hanging.
        @Test func silentServerTimesOut() async throws {
            let listener = try LoopbackListener()
            defer { listener.close() }
            let port = listener.port
            try await withSandbox { sandbox in
                // Before connect_timeout odb waited until killed. The bound leaves room for a loaded
                // machine, and counts from odb's start: timing it from this task would add however
                // long other tests' blocking calls keep the task from resuming.
                let result = try await sandbox.odb(
                    ["info"], url: "postgresql://postgres@127.0.0.1:\(port)/postgres", environment: ["PGCONNECT_TIMEOUT": nil],
                    timeout: .seconds(Connection.connectTimeoutSeconds * 12))
                #expect(result.status == "exit status 1", "odb did not give up by itself: \(result.status)")
                expectOneLine(result, containing: "timeout")
                #expect(result.errorOutput.contains("no answer within \(Connection.connectTimeoutSeconds) s"))
            }
        }

        /// A session holding the database's catalog row (an `ALTER DATABASE` in a transaction left
        /// open): a commit goes through (it no longer changes that row), and a revert stops after
        /// its lock timeout naming the session, with nothing changed.
        @Test func openAlterDatabaseNeitherHangsCommitNorRevert() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("locked", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                let holder = try Connection(conninfo: sandbox.conninfo, database: "postgres", applicationName: "the dba")
                try holder.query("BEGIN")
                try holder.query("ALTER DATABASE \(identifier: database) CONNECTION LIMIT 49")

                let commitStarted = ContinuousClock.now
                try await expectSuccess(sandbox.odb(["commit", "-m", "two"]))
                // Before, the commit hung until killed; the bounds leave room for a loaded machine.
                #expect(ContinuousClock.now - commitStarted < .seconds(120))

                let revertStarted = ContinuousClock.now
                let revert = try await sandbox.odb(["revert", "1"])
                #expect(ContinuousClock.now - revertStarted < .seconds(120))
                // The last line is the error (an autovacuum worker the fence ended may come before it).
                #expect(revert.status == "exit status 1")
                let error = revert.errorOutput.split(separator: "\n").last.map(String.init) ?? ""
                #expect(error.hasPrefix("odb: ") && error.contains("pid \(holder.backendPID)"), "\(revert.errorOutput)")
                #expect(error.contains("waited \(Connection.catalogLockTimeout) s"), "\(revert.errorOutput)")

                try holder.query("ROLLBACK")
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1], [1]])
                try await expectSuccess(sandbox.odb(["revert", "1"]))
            }
        }
    }
}
