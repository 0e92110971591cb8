import ArgumentParser
import Revisions

extension ODB {
    struct Tags: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tags", abstract: "List the tags, newest revision first.")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let tags = try await connection.readingRepository(reporting: output).tags()
                try output.emit(.tags(tags))
            }
        }
    }
}
