import ArgumentParser
import Revisions

extension ODB {
    struct Untrack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "untrack",
            abstract: "Stop tracking a database: forget its revisions, tags and spares (the undo of a mistaken init).",
            discussion: """
                The working database itself is never touched. Its revision databases stay on the server, frozen, \
                unless --drop-revisions drops them too.
                """)

        @Argument(help: "The tracked database to forget (default: the project's current one).")
        var name: String?

        @Flag(name: .customLong("drop-revisions"), help: "Drop its revision databases too.")
        var dropRevisions = false

        @OptionGroup(title: "Connection") var server: ServerOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let (workspace, repository) = try await server.repository(name, reporting: output)
                let outcome = try repository.untrack(dropRevisions: dropRevisions)
                if workspace.project.currentDatabase == repository.database {
                    try workspace.project.setCurrentDatabase(nil)
                }
                try output.emit(.untracked(outcome))
            }
        }
    }
}
