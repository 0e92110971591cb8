import Foundation
import Testing

@testable import Revisions

/// A project folder of a test whose odb uses its own embedded cluster (no `--url`, no `PG*`
/// variables), made on first use like a user's; `close()` stops the cluster by its pid and
/// removes the folder.
struct EmbeddedProject {
    let directory: String

    static func make() throws -> EmbeddedProject {
        EmbeddedProject(directory: try temporaryFolder("odb-embedded"))
    }

    var cluster: EmbeddedCluster { EmbeddedCluster(directory: directory + "/.odb/cluster") }

    /// Runs `odb ARGUMENTS` in the project folder, on the embedded cluster.
    func odb(_ arguments: [String], environment: [String: String?] = [:]) async throws -> ProgramResult {
        var base: [String: String?] = ["ODB_URL": nil, "ODB_BACKGROUND": "0", "ODB_FAULT": nil, "ODB_CLUSTER_DIR": nil]
        for variable in Server.libpqVariables { base[variable] = nil }
        return try await Program(
            Sandbox.executable, arguments, environment: .inherited(changing: base.merging(environment) { $1 }),
            workingDirectory: directory
        ).result()
    }

    /// The postmaster's pid, when the cluster runs.
    var postmasterPID: Int32? { cluster.postmaster().map(\.pid).flatMap { cluster.processIsPostgres($0) ? $0 : nil } }

    /// Stops the cluster (SIGINT to its postmaster: a fast shutdown) and waits for it, then
    /// removes the folder.
    func close() async throws {
        if let pid = postmasterPID {
            kill(pid, SIGINT)
            let end = ContinuousClock.now + .seconds(30)
            while cluster.processIsPostgres(pid), ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(20))  // the poll's interval, under the deadline above
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` in a fresh embedded project, closed afterwards whatever happens.
func withEmbeddedProject(_ body: (EmbeddedProject) async throws -> Void) async throws {
    let project = try EmbeddedProject.make()
    do {
        try await body(project)
    } catch {
        try? await project.close()
        throw error
    }
    try await project.close()
}
