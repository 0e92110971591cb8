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
    /// through `output` (none without), after repairing what an interrupted odb left on it (which
    /// never waits).
    func repository(
        _ database: String?, options: Repository.Options = .init(), reporting output: OutputOptions? = nil
    ) async throws -> (Workspace, Repository) {
        let workspace = try await open()
        var events: @Sendable (Event) -> Void = { _ in }
        if let output { events = { event in output.report(event) } }
        let repository = try workspace.repository(database, options: options, events: events)
        try repository.recoverAbandoned()
        return (workspace, repository)
    }
}
