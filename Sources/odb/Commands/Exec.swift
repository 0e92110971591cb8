import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Exec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exec",
            abstract: "Run a command with DATABASE_URL and PG* set for the tracked database.",
            discussion: """
                Starts the embedded cluster first if needed. The command replaces odb, so its output, signals and \
                exit status are its own; a password travels in PGPASSWORD, never in arguments. \
                Example: odb exec -- ./manage.py runserver
                """)

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.")
        var command: [String] = []

        func run() async throws {
            try await failing {
                let words = command.first == "--" ? Array(command.dropFirst()) : command
                guard let executable = words.first else {
                    throw fail("odb exec needs a command to run, e.g. odb exec -- npm test", status: 64)
                }
                let (server, base, tracked) = try await connection.startedServer(reading: true)
                guard let database = tracked else { throw OdbError.noCurrentDatabase }
                let variables = server.environment(base, database: database)
                let program = Program(
                    executable, Array(words.dropFirst()), environment: .inherited(changing: variables))
                do {
                    try program.replacingThisProcess()
                } catch let error as ProgramError {
                    let why = if case .couldNotRun(let why) = error.reason { why } else { error.description }
                    throw fail(Text.cannotRun(executable, why), status: 127)
                }
            }
        }
    }
}
