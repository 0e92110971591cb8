import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Apply numbered SQL patches (patch-MAJOR-MINOR-POINT-TYPE.sql), guarded by a revision.",
            discussion: """
                Patches run in numeric order; std and direct ones each in a transaction with their tracking row \
                (odb.patches, inside the database), concurrent ones outside any, one statement at a time. Before the \
                first, odb commits a revision; if a patch fails, odb reverts to it.
                """)

        @Argument(help: "The migrations folder (default: odb.toml's [migrate] folder, else migrations/).")
        var folder: String?

        @Flag(help: "Show applied patches (times, who, changed or missing files) and pending ones; apply nothing.")
        var status = false

        @Flag(help: "Apply only the first run of consecutive patches of one group: std, or direct + concurrent.")
        var group = false

        @Flag(name: .customShort("1"), help: "Apply one patch.")
        var one = false

        @Option(help: "Apply only patches of this type: std, direct or concurrent.")
        var type: PatchType?

        @Flag(help: "Run the transactional patches in a transaction that is rolled back; list the concurrent ones.")
        var dryRun = false

        @Flag(name: .customLong("no-guard"), help: "Commit no revision first, and revert nothing when a patch fails.")
        var noGuard = false

        @Flag(help: "Record the new contents of applied patches whose files changed, without running them.")
        var acceptChanged = false

        @Option(help: "Seconds to wait for another odb working on the database.")
        var wait: Int = 60

        @OptionGroup var change: ChangeOptions

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if group && one { throw ValidationError("--group and -1 choose differently; give one of them") }
            if status && (group || one || type != nil || dryRun || noGuard || acceptChanged) {
                throw ValidationError("--status applies nothing; give it alone")
            }
            if dryRun && acceptChanged { throw ValidationError("--accept-changed writes to the database; a dry run never does") }
            if wait < 0 { throw ValidationError("--wait needs a number of seconds, 0 or more") }
        }

        func run() async throws {
            try await failing {
                let path = try MigrationsFolderSetting.folder(
                    given: folder, directory: FileManager.default.currentDirectoryPath)
                if status {
                    let (workspace, repository) = try await connection.workspaceAndRepository(reporting: output)
                    try output.emit(.migrationStatus(try repository.migrationStatus(folder: path, conninfo: workspace.conninfo)))
                    return
                }
                var request = MigrationRequest(folder: path, conninfo: "")
                request.selection = group ? .group : one ? .one : .all
                request.type = type
                request.dryRun = dryRun
                request.guarded = !noGuard
                request.acceptChanged = acceptChanged
                let outcome = try await change.run(connection, output, lockTimeout: .seconds(wait)) { workspace, repository in
                    request.conninfo = workspace.conninfo
                    return try repository.migrate(request)
                }
                try output.emit(.migrated(outcome))
            }
        }
    }
}

extension PatchType: ExpressibleByArgument {}
