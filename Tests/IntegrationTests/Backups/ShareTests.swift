import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// Revisions shared between machines through storage: `dump REV`, `push`, `pull`.
    @Suite struct ShareTests {
        /// One engineer pushes the seeded revision; a teammate (another control database, another
        /// database) pulls it as a revision of their own history and reverts to it.
        @Test func aTeammatePullsWhatAnotherPushed() async throws {
            let shared = try temporaryFolder("odb-shared")
            defer { try? FileManager.default.removeItem(atPath: shared) }
            try await withSandbox { alice in
                let seeded = try alice.makeDatabase("seeded", rows: [1, 2, 3])
                try await expectSuccess(alice.odb(["init", seeded]))
                try await expectSuccess(alice.odb(["commit", "-m", "seed data"]))
                try alice.connect(seeded).query("DELETE FROM t")
                let pushed = try await alice.odb(["push", "--storage", shared, "--json"])
                try expectSuccess(pushed)
                let manifest = try JSONDecoder().decode(Manifest.self, from: Data(pushed.output.utf8))
                #expect(manifest.revision == 1)
                #expect(manifest.message == "seed data")
                try alice.expectAllFrozen()

                try await withSandbox { bob in
                    let mine = try bob.makeDatabase("mine", rows: [9])
                    try await expectSuccess(bob.odb(["init", mine]))
                    try await expectSuccess(bob.odb(["commit", "-m", "mine"]))
                    let pulled = try await bob.odb(["pull", manifest.key, "--storage", shared, "--json"])
                    try expectSuccess(pulled)
                    let outcome = try JSONDecoder().decode(PullOutcome.self, from: Data(pulled.output.utf8))
                    #expect(outcome.revision == 2)
                    #expect(outcome.originalRevision == 1)
                    #expect(outcome.message.contains("seed data"))
                    // The working database is left alone until a revert.
                    #expect(try bob.rows(mine) == [9])
                    try await expectSuccess(bob.odb(["revert", "2"]))
                    #expect(try bob.rows(mine) == [1, 2, 3])
                    try await expectSuccess(bob.odb(["commit", "-m", "after the pull"]))
                    #expect(try bob.revisionMessages(mine)[3] == "after the pull")
                    try bob.expectConsistent(mine, states: [[1, 2, 3]])

                    // A protected database refuses a pull.
                    try await expectSuccess(bob.odb(["protect"]))
                    expectOneLine(try await bob.odb(["pull", manifest.key, "--storage", shared]), containing: "protected")
                }
            }
        }

        /// `dump REV` dumps the revision, not the working database, and leaves it frozen.
        @Test func dumpOfARevision() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("dumprev", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                let manifest = try await sandbox.dump(["1"])
                #expect(manifest.revision == 1)
                try sandbox.expectAllFrozen()
                try await expectSuccess(sandbox.odb(["restore", manifest.key]))
                #expect(try sandbox.rows(database) == [1])
                expectOneLine(try await sandbox.odb(["dump", "7"]), containing: "no revision or tag '7'")
            }
        }
    }
}
