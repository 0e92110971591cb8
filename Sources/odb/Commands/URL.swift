import ArgumentParser
import Revisions

extension ODB {
    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a connection URL for the tracked database, e.g. for DATABASE_URL (never with a password).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions

        func run() async throws {
            try await failing {
                let (server, base, tracked) = try await connection.startedServer()
                guard let database = tracked else { throw OdbError.noCurrentDatabase }
                print(server.url(base, database: database))
            }
        }
    }
}
