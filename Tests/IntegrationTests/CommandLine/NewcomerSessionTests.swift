import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// The README's first session, on an embedded cluster of the test's own: typed as shown, in a
    /// fresh folder, with a stray libpq variable that must not move the project, and the folder
    /// moved afterwards.
    @Suite struct NewcomerSessionTests {
        @Test func theReadmeSessionOnTheEmbeddedCluster() async throws {
            try await withSandbox { sandbox in
                let project = try sandbox.folder("demo-project")
                let clusterDirectory = sandbox.directory + "/clusters/demo"
                let environment: [String: String?] = ["ODB_CLUSTER_DIR": clusterDirectory]
                do {
                    try await session(sandbox, project: project, clusterDirectory: clusterDirectory, environment: environment)
                } catch {
                    _ = try? await sandbox.plain(["server", "stop"], in: project, environment: environment)
                    throw error
                }
                _ = try? await sandbox.plain(["server", "stop"], in: project, environment: environment)
            }
        }

        func session(
            _ sandbox: Sandbox, project: String, clusterDirectory: String, environment: [String: String?]
        ) async throws {
            let initialized = try await sandbox.plain(["init", "demo"], in: project, environment: environment)
            try expectSuccess(initialized)
            #expect(initialized.output == "Created and now tracking demo, at revision 1\n")
            let config = try String(contentsOfFile: project + "/.odb/config.json", encoding: .utf8)
            #expect(config.contains(clusterDirectory), "\(config)")

            // From here on, no ODB_CLUSTER_DIR: the project remembers where its cluster is, and a
            // stray PGDATABASE does not send it elsewhere.
            let stray: [String: String?] = ["PGDATABASE": "foo"]
            let committed = try await sandbox.plain(["commit", "-m", "before the migration"], in: project, environment: stray)
            try expectSuccess(committed)
            #expect(committed.output == "Committed revision 1, now at revision 2\n")
            let reverted = try await sandbox.plain(["revert"], in: project, environment: stray)
            try expectSuccess(reverted)
            #expect(reverted.output == "Reverted to revision 1, now at revision 2\n")

            let status = try await sandbox.plain(["server", "status"], in: project, environment: stray)
            #expect(status.output.contains("server : embedded cluster in \(clusterDirectory)"), "\(status.output)")
            #expect(status.output.contains("chosen : by the project"), "\(status.output)")

            let exec = try await sandbox.plain(
                ["exec", "--", "psql", "-XAtc", "select current_database()"], in: project, environment: stray)
            try expectSuccess(exec)
            #expect(exec.output == "demo\n", "\(exec.output) \(exec.errorOutput)")

            // Moved, the project still finds its cluster.
            let moved = sandbox.directory + "/moved-project"
            try FileManager.default.moveItem(atPath: project, toPath: moved)
            defer { try? FileManager.default.moveItem(atPath: moved, toPath: project) }
            let info = try await sandbox.plain(["info"], in: moved)
            try expectSuccess(info)
            #expect(info.output.contains("database : demo"), "\(info.output)")
            #expect(info.output.contains("revision : 2 (parent: 1, tip: 1)"), "\(info.output)")
        }
    }
}
