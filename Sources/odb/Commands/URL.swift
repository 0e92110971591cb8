import ArgumentParser
import Revisions

extension ODB {
    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print a connection URL for the tracked database, e.g. for DATABASE_URL (never with a password; over TCP it names the password file)."
        )

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        func run() async throws {
            try await failing {
                let (server, base, tracked) = try await connection.startedServer()
                guard let database = tracked else { throw OdbError.noCurrentDatabase }
                // Over TCP when the embedded cluster listens on it: then the URL names the password
                // file, and any local user's application can connect with it.
                if let cluster = server.cluster, cluster.listensOnTCP(), let port = cluster.readyPort() {
                    print(server.url(cluster.tcpConninfo(port: port), database: database))
                } else {
                    print(server.url(base, database: database))
                }
            }
        }
    }
}
