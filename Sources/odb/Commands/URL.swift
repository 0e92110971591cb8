import ArgumentParser
import Revisions

extension ODB {
    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract:
                "Print a connection URL for the tracked database, e.g. for DATABASE_URL (never with a password; over TCP it names the password file)."
        )

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        func run() async throws {
            try await failing {
                let (server, base, tracked) = try await connection.startedServer(reading: true)
                // Over TCP when the embedded cluster listens on it: then the URL names the password
                // file, and any local user's application can connect with it.
                var address = base
                if let cluster = server.cluster, cluster.listensOnTCP(), let port = cluster.readyPort() {
                    address = cluster.tcpConninfo(port: port)
                }
                guard let database = tracked else {
                    // As psql does with nothing tracked: the server's postgres database, said so.
                    ProgressLine.standardError.print(Text.untrackedURL)
                    print(server.url(address, database: "postgres"))
                    return
                }
                print(server.url(address, database: database))
            }
        }
    }
}
