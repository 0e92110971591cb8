import ArgumentParser
import Revisions

extension ODB {
    struct Commit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "commit",
            abstract: "Freeze the working database as a new revision.")

        @Option(name: [.short, .long], help: "What this revision is.")
        var message = ""

        @OptionGroup var change: ChangeOptions

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let outcome = try await change.run(connection, output) { try $0.commit(message: message) }
                try output.emit(.committed(outcome))
            }
        }
    }
}
