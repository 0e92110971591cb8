import ArgumentParser
import Revisions

extension ODB {
    struct ServerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "server", abstract: "Run the embedded PostgreSQL cluster.",
            subcommands: [Start.self, Stop.self, Status.self, Logs.self])
    }
}
