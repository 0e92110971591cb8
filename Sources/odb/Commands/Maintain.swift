import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Maintain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "maintain",
            abstract: "Drop the databases reverts replaced, load restored revisions and build the spares now.",
            discussion:
                "odb runs this in the background after commit, revert and restore; it returns at once if another is at it.")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let (workspace, repository) = try await connection.workspaceAndRepository(reporting: output)
                let environment = ProcessInfo.processInfo.environment
                let loader = PendingLoader(
                    access: ServerAccess(server: workspace.server, conninfo: workspace.conninfo),
                    programs: try await PostgresPrograms.locate(environment: environment), environment: environment,
                    describe: { error in (OdbError.from(error) as? OdbError)?.message ?? String(describing: error) })
                let report = try await repository.maintain(loading: loader)
                try output.emit(.maintenance(report, of: repository.database))
            }
        }
    }
}
