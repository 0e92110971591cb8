import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Restore a dump (or a revision) into the working database, reversibly.",
            discussion: """
                SOURCE is a dump's key, a prefix (its newest dump), or :REV, a local revision. The state is built \
                in a temporary database, checked, and swapped in atomically; the replaced working database is kept \
                as a revision, and the restored state is committed too, so 'odb revert N' undoes a restore.
                """)

        @Argument(help: "A dump key, a key or database prefix, or :REV.")
        var source: String

        @Option(name: .customLong("pre-swap"), help: "A command run against the temporary database before the swap (repeatable).")
        var preSwap: [String] = []

        @Flag(name: .customLong("ignore-restore-errors"), help: "Go on past pg_restore's errors and list them.")
        var ignoreErrors = false

        @Flag(name: .customLong("keep-owners"), help: "Keep the dump's owners and privileges (default: --no-owner --no-acl).")
        var keepOwners = false

        @OptionGroup var change: ChangeOptions
        @OptionGroup(title: "Storage") var storage: StorageOptions
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let origin: RestoreRequest.Source =
                    source.hasPrefix(":") ? .revision(try RevisionArgument(parsing: String(source.dropFirst()))) : .dump(source)
                let (settings, store) = try storage.resolve(
                    .restore, .init(preSwap: preSwap), directory: connection.workspaceOptions.directory)
                let request = RestoreRequest(
                    source: origin, store: store, preSwap: Hooks(settings.preSwap), ignoreErrors: ignoreErrors,
                    keepOwners: keepOwners, allowed: settings.allowRestore)
                let outcome = try await change.run(connection, output) { workspace, repository in
                    let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
                    return try await repository.restore(
                        request, access: ServerAccess(server: workspace.server, conninfo: workspace.conninfo), programs: programs)
                }
                try output.emit(.restored(outcome))
            }
        }
    }
}

extension ChangeOptions {
    /// `run(_:_:_:)` for a change that waits on programs, given the workspace too.
    func run<T>(
        _ connection: ConnectionOptions, _ output: OutputOptions, _ change: (Workspace, Repository) async throws -> T
    ) async throws -> T {
        let options = Repository.Options(
            terminate: !noTerminate, strategy: strategy == .auto ? nil : CopyStrategy(rawValue: strategy.rawValue),
            background: backgroundWork)
        let (workspace, repository) = try await connection.workspaceAndRepository(options: options, reporting: output)
        let outcome = try await change(workspace, repository)
        if backgroundWork { try? workspace.startMaintenance(of: repository.database) }
        return outcome
    }
}
