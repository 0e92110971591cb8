import ArgumentParser
import Revisions

extension ODB {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Start tracking a database and make it the current one.",
            discussion: "On the embedded cluster a missing database is created empty; elsewhere, pass --create.")

        @Argument(help: "The database to track.")
        var name: String

        @Flag(inversion: .prefixedNo, help: "Create the database when it does not exist (default: only on the embedded cluster).")
        var create: Bool?

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if let database = connection.database {
                throw ValidationError("init takes the database as its argument: odb init \(Text.oneLine(database))")
            }
        }

        func run() async throws {
            try await failing {
                var options = connection.workspaceOptions
                options.createControlDatabase = true
                let workspace = try await Workspace.open(options)
                let outcome = try workspace.track(name, create: create ?? (workspace.server.cluster != nil))
                try output.emit(.tracking(outcome))
            }
        }
    }
}
