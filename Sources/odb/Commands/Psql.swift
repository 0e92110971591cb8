import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Psql: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run psql on the tracked database (or the server's postgres database when none is tracked).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        @Argument(parsing: .captureForPassthrough, help: "Arguments for psql, e.g. -c 'select 1'.")
        var arguments: [String] = []

        func run() async throws {
            try await failing {
                let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
                let (server, base, tracked) = try await connection.startedServer(programs: programs)
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
}
