import ArgumentParser
import Revisions

extension ODB {
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the history, newest first.")

        @Option(name: [.short, .long], help: "Show at most this many revisions.")
        var limit: Int?

        @Flag(name: [.customShort("G"), .customShort("g"), .long], help: "Draw the history as a graph.")
        var graph = false

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            try await failing {
                let repository = try await connection.repository(reporting: output)
                let revisions = try repository.log(limit: limit)
                let parent = try repository.workingParent()
                try output.emit(.log(revisions, workingParent: parent, graph: graph))
            }
        }
    }
}
