import ArgumentParser
import Foundation
import Revisions

@main
struct ODB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "odb",
        abstract: "Version PostgreSQL databases like a tiny Mercurial.",
        discussion: """
            With no server given, odb runs its own PostgreSQL cluster in the project's .odb/ folder.
            Given --url, ODB_URL or the usual PG* variables, it works against that server instead.
            """,
        subcommands: [
            Init.self, Commit.self, Revert.self, Info.self, Log.self, TagCommand.self, Tags.self, Purge.self,
            Spares.self, Maintain.self, Protect.self, Recover.self, ServerCommand.self, Psql.self, URL.self,
        ]
    )

    /// Runs the command; a mistake on the command line gets one line, as odb's own errors do,
    /// rather than the usage text (which `--help` shows).
    static func main() async {
        Interruption.shared.install()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            let message =
                self.message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid arguments"
            FileHandle.standardError.write(Data("odb: \(oneLine(message)) (see 'odb help')\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
