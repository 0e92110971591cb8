import ArgumentParser
import Revisions

extension ODB {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Say whether the working database has changed since its parent, and which tables.",
            discussion: """
                From the statistics PostgreSQL keeps and a digest of the catalog, recorded at each commit \
                and revert: cheap at any size. When they cannot tell (statistics reset, a server restart), \
                the answer is "unknown", never "unchanged". --exact compares the rows with the parent instead.
                """)

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        @Flag(help: "Compare every row with the parent revision (a row diff) instead of the statistics.")
        var exact = false

        func run() async throws {
            try await failing {
                let repository = try await connection.readingRepository(reporting: output)
                try output.emit(.status(exact ? try repository.exactStatus() : try repository.status()))
            }
        }
    }
}
