import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Ls: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls",
            abstract: "List the finished dumps in storage, newest first.",
            discussion: "Only dumps whose manifest was written are listed; --clean removes the keys of those that never finished."
        )

        @Argument(help: "Only keys, or databases, starting with this.")
        var prefix: String = ""

        @Flag(help: "List the instances only.") var instances = false
        @Flag(help: "List the databases only.") var databases = false
        @Flag(help: "List the configurations only.") var configs = false
        @Flag(help: "Remove the keys of dumps that never finished (no manifest).") var clean = false

        @OptionGroup(title: "Storage") var storage: StorageOptions
        // Accepted like every command's, though listing needs no server.
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if [instances, databases, configs].filter({ $0 }).count > 1 {
                throw ValidationError("give one of --instances, --databases, --configs")
            }
        }

        func run() async throws {
            try await failing {
                let (_, store) = try storage.resolve(.dump, directory: connection.workspaceOptions.directory)
                let catalog = DumpCatalog(store: store)
                let removed = clean ? try await catalog.clean() : []
                let dumps = try await catalog.scan(prefix: prefix).dumps
                let listing = DumpListing(dumps: dumps, removed: removed)
                let part: Answer.DumpPart? = instances ? .instance : databases ? .database : configs ? .config : nil
                try output.emit(.listing(listing, part: part))
            }
        }
    }
}
