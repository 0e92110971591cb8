import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Psql: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "psql",
            abstract: "Run psql on the tracked database (or the server's postgres database when none is tracked).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        @Argument(parsing: .captureForPassthrough, help: "Arguments for psql, e.g. -c 'select 1'.")
        var arguments: [String] = []

        func run() async throws {
            try await failing {
                let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
                let (server, base, tracked) = try await connection.startedServer(programs: programs, reading: true)
                let (conninfo, password) = server.conninfo(base, database: tracked ?? "postgres")
                let psql = (try? programs.path(of: "psql")) ?? "/usr/bin/psql"
                // psql takes over this process: the terminal, signals and the exit status are its
                // own. A password from the URL goes in its environment, never its arguments.
                let changes: [String: String?] = password.map { ["PGPASSWORD": $0] } ?? [:]
                // `odb psql -- -c …`: the `--` is odb's, not psql's (psql would take what follows as
                // its database and ignore odb's connection).
                let passed = arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
                let program = Program(psql, ["-d", conninfo] + passed, environment: .inherited(changing: changes))
                do {
                    try program.replacingThisProcess()
                } catch {
                    throw OdbError.programMissing("psql")
                }
            }
        }
    }
}
