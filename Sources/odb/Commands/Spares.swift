import ArgumentParser
import Revisions

extension ODB {
    struct Spares: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "spares",
            abstract: "Show or set how many ready copies of revisions odb keeps, so that reverting to them is instant.",
            discussion: """
                The working database's parent gets the first spare, then tagged revisions, then the newest.
                odb builds them in the background after each commit and revert; --keep 0 turns them off.
                """)

        @Option(parsing: .unconditional, help: "How many revisions get a spare (0: none).")
        var keep: Int?

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if let keep, keep < 0 || keep > 100 { throw ValidationError(OdbError.invalidSpareCount(keep).message) }
        }

        func run() async throws {
            try await failing {
                let (workspace, repository) = try await connection.workspaceAndRepository(reporting: output)
                var policy = try repository.sparePolicy()
                if let keep {
                    policy = try repository.keepSpares(keep)
                    if backgroundWork { try workspace.startMaintenance(of: repository.database) }
                }
                try output.emit(.spares(policy))
            }
        }
    }
}
