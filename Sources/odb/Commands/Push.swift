import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Share a revision: dump it to storage, with its number, message and parent in the manifest.",
            discussion: "A teammate's 'odb pull KEY' makes it a revision of their history.")

        @Argument(help: "The revision to push (default: the working database's parent).")
        var revision: String?

        @OptionGroup(title: "Storage") var storage: StorageOptions
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                var dump = try Dump.parse([])
                dump.storage = storage
                dump.connection = connection
                dump.output = output
                let (manifest, location) = try await dump.dump(
                    revision: try revision.map(RevisionArgument.init(parsing:)), defaultToParent: true)
                try output.emit(.pushed(manifest, location: location))
            }
        }
    }
}
