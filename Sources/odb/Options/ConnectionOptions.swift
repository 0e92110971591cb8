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
}

func chooseServer(_ connection: ConnectionOptions, tcp: Bool = false) throws -> Server {
    var options = connection.workspaceOptions
    options.cluster.tcp = tcp
    return try Server.choose(
        url: options.url, environment: options.environment,
        project: Project.findOrNew(from: options.directory), settings: options.cluster)
}

/// The chosen server, started if it is the embedded cluster, its conninfo, and the database the
/// command names (`-d`, else the project's current one, if any).
func startedServer(
    _ connection: ConnectionOptions, programs: PostgresPrograms? = nil
) async throws -> (server: Server, conninfo: String, database: String?) {
    let server = try chooseServer(connection)
    let environment = ProcessInfo.processInfo.environment
    let conninfo = try await Workspace.connectionString(for: server, environment: environment, programs: programs)
    let project = Project.findOrNew(from: connection.workspaceOptions.directory)
    return (server, conninfo, connection.database ?? project.currentDatabase)
}

func embedded(_ connection: ConnectionOptions, tcp: Bool = false) async throws -> (EmbeddedCluster, PostgresPrograms) {
    let server = try chooseServer(connection, tcp: tcp)
    guard let cluster = server.cluster else { throw notEmbedded(server) }
    return (cluster, try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment))
}

func notEmbedded(_ server: Server) -> ExitCode {
    fail("odb runs only its embedded cluster; \(server.display) is run by someone else")
}
