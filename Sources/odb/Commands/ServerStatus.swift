import ArgumentParser
import Revisions

extension ODB.ServerCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Say which server odb uses and whether it runs.")
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let server = try connection.chooseServer()
                let status = server.cluster?.status()
                let answering = server.cluster == nil && Connection.ping(conninfo: server.conninfo)
                var tcp: Bool?
                if case .running = status { tcp = server.cluster?.listensOnTCP() }
                try output.emit(.serverStatus(server, status: status, answering: answering, tcp: tcp))
            }
        }
    }
}
