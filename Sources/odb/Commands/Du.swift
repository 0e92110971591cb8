import ArgumentParser
import Revisions

extension ODB {
    struct Du: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "du",
            abstract: "Show what each revision, hidden state, spare and replaced database costs on the server.")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let repository = try await connection.readingRepository(reporting: output)
                try output.emit(.diskUsage(try repository.diskUsage()))
            }
        }
    }
}
