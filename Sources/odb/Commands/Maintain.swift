import ArgumentParser
import Revisions

extension ODB {
    struct Maintain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "maintain",
            abstract: "Drop the databases reverts replaced and build the spares now.",
            discussion: "odb runs this in the background after commit and revert; it returns at once if another is at it.")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let repository = try await connection.repository(reporting: output)
                let report = try repository.maintain()
                try output.emit(.maintenance(report, of: repository.database))
            }
        }
    }
}
