import ArgumentParser
import Revisions

extension ODB.ServerCommand {
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start", abstract: "Start the embedded cluster (creating it on first use).")
        @Flag(help: "Listen on localhost too, not only on the private socket.")
        var tcp = false
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let (cluster, programs) = try await connection.embedded(tcp: tcp)
                let outcome = try await cluster.start(programs: programs)
                try output.emit(.started(outcome, in: cluster.directory))
            }
        }
    }
}
