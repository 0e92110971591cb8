import ArgumentParser
import Foundation
import Revisions

/// Which server and control database a command works on.
struct ServerOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Connection URL or conninfo of the server (default: ODB_URL, then the project's server, then PG* variables, then the embedded cluster)."
    )
    var url: String?

    @Flag(help: "Use the project's embedded cluster, whatever the project or the environment say.")
    var embedded = false

    @Option(
        name: .customLong("control-db"),
        help: "The database holding odb's metadata (default: ODB_CONTROL_DB, then the project's, then odb).")
    var controlDatabase: String?

    func validate() throws {
        if embedded, url != nil { throw ValidationError("--embedded and --url choose different servers; give one") }
    }

    var workspaceOptions: Workspace.Options {
        var options = Workspace.Options(url: url, controlDatabase: controlDatabase)
        options.embedded = embedded
        return options
    }

    /// The options of a command that only reads: it never creates the embedded cluster.
    var readingOptions: Workspace.Options {
        var options = workspaceOptions
        options.readOnly = true
        return options
    }

    func open() async throws -> Workspace {
        try await Workspace.open(workspaceOptions)
    }

    /// The tracked database `database` (nil: the project's current one), its events reported
    /// through `output` (none without), after repairing what an interrupted odb left on it (which
    /// never waits), and with a background worker started again when a killed one left a spare
    /// half-built. Only `odb init` makes an embedded cluster: a command on a tracked database
    /// where there is none says that nothing is tracked here.
    func repository(
        _ database: String?, options: Repository.Options = .init(), reporting output: OutputOptions? = nil,
        reading: Bool = true
    ) async throws -> (Workspace, Repository) {
        let workspace = try await Workspace.open(reading ? readingOptions : workspaceOptions)
        var events: @Sendable (Event) -> Void = { _ in }
        if let output { events = { event in output.report(event) } }
        let repository = try workspace.repository(database, options: options, events: events)
        let rebuild = try repository.recoverAbandonedNoticingSpares().spareBuildAbandoned
        if rebuild, backgroundWork { try? workspace.startMaintenance(of: repository.database) }
        return (workspace, repository)
    }
}
