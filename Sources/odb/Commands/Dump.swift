import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Dump: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dump",
            abstract: "Stream pg_dump of the working database (or of a revision) to storage, with a manifest written last.",
            discussion: """
                The key is <instance>/<database>/<config>/<UTC timestamp>.dump. Nothing is staged on disk; \
                a dump whose manifest is missing is never listed, and the next dump removes it.
                """)

        @Argument(help: "A revision to dump instead of the working database: a number, a tag or 'tip'.")
        var revision: String?

        @Option(name: .customLong("exclude-data"), help: "Leave out the rows of tables matching this pattern (repeatable).")
        var excludeData: [String] = []

        @Option(
            name: .customLong("pre-dump"),
            help: "A command run first against the working database; failing, it refuses the dump (repeatable).")
        var preDump: [String] = []

        @OptionGroup(title: "Storage") var storage: StorageOptions
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let chosen = try revision.map(RevisionArgument.init(parsing:))
                let (manifest, location) = try await dump(revision: chosen)
                try output.emit(.dumped(manifest, location: location))
            }
        }

        /// Runs the dump of `revision` (nil: the working database); push uses it too.
        func dump(revision: RevisionArgument?, defaultToParent: Bool = false) async throws -> (Manifest, String) {
            let (settings, store) = try storage.resolve(
                .dump, .init(excludeData: excludeData, preDump: preDump), directory: connection.workspaceOptions.directory)
            // Found while odb connects: pg_config is a program run of its own.
            async let located = PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
            let (workspace, repository) = try await connection.workspaceAndRepository(reporting: output)
            let programs = try await located
            var request = DumpRequest(
                store: store, instance: settings.instance, config: settings.config, excludeData: settings.excludeData,
                preDump: Hooks(settings.preDump))
            request.revision = try revision ?? (defaultToParent ? .number(repository.workingParent()) : nil)
            let manifest = try await repository.dump(
                request, access: ServerAccess(server: workspace.server, conninfo: workspace.conninfo), programs: programs)
            return (manifest, store.location)
        }
    }
}
