import ArgumentParser
import Foundation
import Revisions

/// Which server and control database a command works on, and which tracked database.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var server: ServerOptions

    @Option(name: [.short, .long], help: "The tracked database to work on (default: the project's current one).")
    var database: String?

    var workspaceOptions: Workspace.Options { server.workspaceOptions }
    func open() async throws -> Workspace { try await server.open() }

    /// The tracked database (`-d`, else the project's current one), its events reported through
    /// `output` (none without).
    func repository(reporting output: OutputOptions? = nil) async throws -> Repository {
        try await server.repository(database, reporting: output).1
    }

    /// The tracked database for a command that only reads: a project without its embedded
    /// cluster is reported, never given a new one.
    func readingRepository(reporting output: OutputOptions? = nil) async throws -> Repository {
        try await server.repository(database, reporting: output, reading: true).1
    }

    /// The workspace too, for commands that start the background worker.
    func workspaceAndRepository(
        options: Repository.Options = .init(), reporting output: OutputOptions? = nil
    ) async throws -> (Workspace, Repository) {
        try await server.repository(database, options: options, reporting: output)
    }
}

extension ConnectionOptions {
    /// The server odb works against, by `Server.choose`'s rules; the embedded cluster is not started.
    func chooseServer(tcp: Bool = false, reading: Bool = false) throws -> Server {
        var options = reading ? server.readingOptions : workspaceOptions
        options.cluster.tcp = tcp
        return try Workspace.choose(options, project: Project.findOrNew(from: options.directory))
    }

    /// The chosen server, started if it is the embedded cluster, its conninfo, and the database the
    /// command names (`-d`, else the project's current one, if any).
    /// A command that only reads (`psql`, `url`, `exec` pass `reading`) never creates the cluster.
    func startedServer(
        programs: PostgresPrograms? = nil, reading: Bool = false
    ) async throws -> (server: Server, conninfo: String, database: String?) {
        let project = Project.findOrNew(from: workspaceOptions.directory)
        let config = try project.config()
        let server = try chooseServer(reading: reading)
        let environment = ProcessInfo.processInfo.environment
        let conninfo = try await Workspace.connectionString(for: server, environment: environment, programs: programs)
        return (server, conninfo, database ?? config.database)
    }

    /// The project's embedded cluster; a command that runs it fails with one line when odb uses
    /// another server.
    func embeddedCluster(tcp: Bool = false) throws -> EmbeddedCluster {
        let server = try chooseServer(tcp: tcp)
        guard let cluster = server.cluster else {
            throw fail("odb runs only its embedded cluster; \(server.display) is run by someone else")
        }
        return cluster
    }

    /// The embedded cluster and the PostgreSQL programs that run it.
    func embedded(tcp: Bool = false) async throws -> (EmbeddedCluster, PostgresPrograms) {
        let cluster = try embeddedCluster(tcp: tcp)
        return (cluster, try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment))
    }
}
