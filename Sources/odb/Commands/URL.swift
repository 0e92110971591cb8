import ArgumentParser
import Revisions

extension ODB {
    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a connection URL for the tracked database, e.g. for DATABASE_URL (never with a password).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        func run() async throws {
            try await failing {
                let (server, base, tracked) = try await connection.startedServer(reading: true)
                guard let database = tracked else {
                    // As psql does with nothing tracked: the server's postgres database, said so.
                    ProgressLine.standardError.print(Text.untrackedURL)
                    print(server.url(base, database: "postgres"))
                    return
                }
                print(server.url(base, database: database))
            }
        }
    }
}
