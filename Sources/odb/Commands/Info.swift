import ArgumentParser
import Revisions

extension ODB {
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "info", abstract: "Say where the working database stands.")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let info = try await connection.readingRepository(reporting: output).info()
                try output.emit(.info(info))
            }
        }
    }
}
