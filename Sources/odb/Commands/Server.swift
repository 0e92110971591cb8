import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct ServerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "server", abstract: "Run the embedded PostgreSQL cluster.",
            subcommands: [Start.self, Stop.self, Status.self, Logs.self])

        struct Start: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Start the embedded cluster (creating it on first use).")
            @Flag(help: "Listen on localhost too, not only on the private socket.")
            var tcp = false
            @OptionGroup(title: "Connection") var connection: ConnectionOptions
            @OptionGroup(title: "Output") var output: OutputOptions

            func run() async throws {
                try await failing {
                    let (cluster, programs) = try await embedded(connection, tcp: tcp)
                    let outcome = try await cluster.start(programs: programs)
                    switch outcome {
                    case .started(let port):
                        try output.emit(["started": port]) {
                            "Started the embedded cluster in \(cluster.directory), port \(port)"
                        }
                    case .alreadyRunning(let port):
                        try output.emit(["running": port]) { "The embedded cluster is already running, port \(port)" }
                    }
                }
            }
        }

        struct Stop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster.")
            @OptionGroup(title: "Connection") var connection: ConnectionOptions
            @OptionGroup(title: "Output") var output: OutputOptions

            func run() async throws {
                try await failing {
                    let (cluster, programs) = try await embedded(connection)
                    let outcome = try await cluster.stop(programs: programs)
                    try output.emit(["stopped": outcome == .stopped]) {
                        outcome == .stopped ? "Stopped the embedded cluster" : "The embedded cluster was not running"
                    }
                }
            }
        }

        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Say which server odb uses and whether it runs.")
            @OptionGroup(title: "Connection") var connection: ConnectionOptions
            @OptionGroup(title: "Output") var output: OutputOptions

            struct Report: Encodable {
                let source: String
                let server: String
                let running: Bool
                let port: Int?
                let pid: Int32?
                let directory: String?
                let socket: String?
            }

            func run() async throws {
                try await failing {
                    let server = try chooseServer(connection)
                    var report = Report(
                        source: server.source.rawValue, server: server.display, running: false, port: nil, pid: nil,
                        directory: nil, socket: nil)
                    if let cluster = server.cluster {
                        let status = cluster.status()
                        var port: Int?
                        var pid: Int32?
                        if case .running(let runningPid, let runningPort) = status { (pid, port) = (runningPid, runningPort) }
                        if case .stopped(let stoppedPort) = status { port = stoppedPort }
                        report = Report(
                            source: server.source.rawValue, server: server.display, running: pid != nil, port: port, pid: pid,
                            directory: cluster.directory, socket: cluster.socketDirectory)
                    } else {
                        report = Report(
                            source: server.source.rawValue, server: server.display,
                            running: Connection.ping(conninfo: server.conninfo), port: nil, pid: nil, directory: nil, socket: nil)
                    }
                    try output.emit(report) {
                        var lines = ["server : \(report.server)", "chosen : by \(report.source)"]
                        if let directory = report.directory {
                            if server.cluster?.isInitialized == false {
                                lines.append("status : not created yet (the first command that needs it creates it)")
                            } else {
                                lines.append("status : \(report.running ? "running, pid \(report.pid ?? 0)" : "stopped")")
                            }
                            lines.append("data   : \(directory)/data")
                            if let port = report.port { lines.append("socket : \(report.socket ?? ""), port \(port)") }
                        } else {
                            lines.append("status : \(report.running ? "answering" : "not answering")")
                        }
                        return lines.joined(separator: "\n")
                    }
                }
            }
        }

        struct Logs: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the end of the embedded cluster's log.")
            @Option(name: [.short, .customLong("lines")], help: "How many lines.")
            var lines = 40
            @OptionGroup(title: "Connection") var connection: ConnectionOptions

            func run() async throws {
                try await failing {
                    let server = try chooseServer(connection)
                    guard let cluster = server.cluster else { throw notEmbedded(server) }
                    print(cluster.logTail(lines: lines))
                }
            }
        }
    }

    struct Psql: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run psql on the tracked database (or the server's postgres database when none is tracked).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        @Argument(parsing: .captureForPassthrough, help: "Arguments for psql, e.g. -c 'select 1'.")
        var arguments: [String] = []

        func run() async throws {
            try await failing {
                let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
                let (server, base, tracked) = try await startedServer(connection, programs: programs)
                let (conninfo, password) = server.conninfo(base, database: tracked ?? "postgres")
                let psql = (try? programs.path(of: "psql")) ?? "/usr/bin/psql"
                // psql takes over this process: the terminal, signals and the exit status are its
                // own. A password from the URL goes in its environment, never its arguments.
                let changes: [String: String?] = password.map { ["PGPASSWORD": $0] } ?? [:]
                let program = Program(psql, ["-d", conninfo] + arguments, environment: .inherited(changing: changes))
                do {
                    try program.replacingThisProcess()
                } catch {
                    throw OdbError.programMissing("psql")
                }
            }
        }
    }

    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a connection URL for the tracked database, e.g. for DATABASE_URL (never with a password).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        func run() async throws {
            try await failing {
                let (server, base, tracked) = try await startedServer(connection)
                guard let database = tracked else { throw OdbError.noCurrentDatabase }
                print(server.url(base, database: database))
            }
        }
    }
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
