import ArgumentParser
import Revisions

extension ODB.ServerCommand {
    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the embedded cluster.")
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let (cluster, programs) = try await connection.embedded()
                let outcome = try await cluster.stop(programs: programs)
                try output.emit(.stopped(outcome))
            }
        }
    }
}
