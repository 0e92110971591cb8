import ArgumentParser
import Revisions

extension ODB {
    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recover",
            abstract: "Finish or undo what an interrupted odb left behind (every command also does this first).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let workspace = try await Workspace.open(connection.server.readingOptions)
                let repository = try workspace.repository(connection.database)
                let outcome = try repository.recover()
                try output.emit(.recovered(outcome))
            }
        }
    }
}
