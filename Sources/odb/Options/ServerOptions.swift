import ArgumentParser
import Foundation
import Revisions

/// Which server and control database a command works on.
struct ServerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Connection URL or conninfo of the server (default: ODB_URL, then PG* variables, then the embedded cluster).")
    var url: String?

    @Option(name: .customLong("control-db"), help: "The database holding odb's metadata.")
    var controlDatabase: String = ProcessInfo.processInfo.environment["ODB_CONTROL_DB"] ?? ControlDatabase.defaultName

    var workspaceOptions: Workspace.Options {
        Workspace.Options(url: url, controlDatabase: controlDatabase)
    }

    func open() async throws -> Workspace {
        try await Workspace.open(workspaceOptions)
    }

    /// The tracked database `database` (nil: the project's current one), its events reported
    /// through `output` (none without).
    func repository(_ database: String?, reporting output: OutputOptions? = nil) async throws -> Repository {
        try await open().repository(database, events: output?.report ?? { _ in })
    }
}
