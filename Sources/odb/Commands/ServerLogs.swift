import ArgumentParser
import Revisions

extension ODB.ServerCommand {
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logs", abstract: "Print the end of the embedded cluster's log.")
        @Option(name: [.short, .customLong("lines")], help: "How many lines.")
        var lines = 40
        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        func run() async throws {
            try await failing {
                print(try connection.embeddedCluster().logTail(lines: lines))
            }
        }
    }
}
