import ArgumentParser
import Revisions

extension ODB {
    struct Protect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "protect",
            abstract: "Guard a database: revert and purge refuse to touch it until --off.",
            discussion: "Commits still work, so a protected database can be snapshotted but never overwritten by odb.")

        @Flag(help: "Lift the protection.")
        var off = false

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let repository = try await connection.repository(reporting: output)
                try repository.protect(!off)
                try output.emit(.protection(of: repository.database, on: !off))
            }
        }
    }
}
