import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull",
            abstract: "Make a dump from storage a revision of the local history, beside the working database.",
            discussion: "The working database is left alone; 'odb revert N' then puts the pulled revision in place.")

        @Argument(help: "A dump key, or a key or database prefix (its newest dump).")
        var key: String

        @OptionGroup var change: ChangeOptions
        @OptionGroup(title: "Storage") var storage: StorageOptions
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let (settings, store) = try storage.resolve(.restore, directory: connection.workspaceOptions.directory)
                if !settings.allowRestore {
                    throw OdbError.restoreNotAllowed(database: connection.database ?? "this project's database")
                }
                let outcome = try await change.run(connection, output) { workspace, repository in
                    let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
                    return try await repository.pull(
                        key, store: store, access: ServerAccess(server: workspace.server, conninfo: workspace.conninfo),
                        programs: programs)
                }
                try output.emit(.pulled(outcome))
            }
        }
    }
}
