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
                if let password { setenv("PGPASSWORD", password, 1) }
                // psql takes over this process: the terminal, signals and the exit status are its own.
                let argv = [psql, "-d", conninfo] + arguments
                var cArguments = argv.map { strdup($0) } + [nil]
                execv(psql, &cArguments)
                throw OdbError.programMissing("psql")
            }
        }
    }
}
