import Foundation
import Testing

@testable import Revisions

/// The variables that choose a server: cleared for a command run "as a newcomer", so that only
/// what a test gives counts.
let serverVariables: [String: String?] = [
    "ODB_URL": nil, "ODB_CONTROL_DB": nil, "ODB_CLUSTER_DIR": nil, "ODB_FAULT": nil, "ODB_BACKGROUND": "0",
    "PGHOST": nil, "PGHOSTADDR": nil, "PGPORT": nil, "PGUSER": nil, "PGSERVICE": nil, "PGDATABASE": nil,
    "PGPASSWORD": nil,
]

extension Sandbox {
    /// Runs `odb ARGUMENTS` exactly as typed (no `--url`, no `--control-db` added) in `directory`
    /// (default: the sandbox's project folder), with no server variables unless `environment`
    /// sets some.
    func plain(
        _ arguments: [String], in directory: String? = nil, environment: [String: String?] = [:]
    ) async throws -> ProgramResult {
        try await Program(
            Self.executable, arguments, environment: .inherited(changing: serverVariables.merging(environment) { $1 }),
            workingDirectory: directory ?? self.directory
        ).result()
    }

    /// A new empty folder of this test (inside its project folder, so `close()` removes it).
    func folder(_ name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return path
    }
}

/// A command that must have been refused as a command-line mistake: one line, exit status 64.
func expectUsageError(_ result: ProgramResult, containing: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == "exit status 64", "\(result.status): \(result.errorOutput)", sourceLocation: sourceLocation)
    #expect(result.errorOutput.split(separator: "\n").count == 1, "\(result.errorOutput)", sourceLocation: sourceLocation)
    #expect(result.errorOutput.contains(containing), "\(result.errorOutput)", sourceLocation: sourceLocation)
}
