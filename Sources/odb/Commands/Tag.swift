import ArgumentParser
import Revisions

extension ODB {
    struct TagCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tag", abstract: "Name a revision (default: the working database's parent), or delete a name.")

        @Flag(name: [.short, .customLong("delete")], help: "Delete the tag.")
        var delete = false

        @Flag(name: [.short, .customLong("force")], help: "Move the tag if it already names another revision.")
        var force = false

        @Argument(help: "The tag.")
        var name: String

        @Argument(help: "The revision to tag: a number, a tag or 'tip'.")
        var revision: String?

        @Option(name: .long, help: "The tracked database to work on (default: the project's current one; -d means delete here).")
        var database: String?

        @OptionGroup(title: "Connection") var server: ServerOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if delete, revision != nil { throw ValidationError("tag -d takes only the tag's name") }
            if delete, force { throw ValidationError("tag -d and -f do not go together: -d deletes, -f moves") }
        }

        func run() async throws {
            try await failing {
                let target = try revision.map(RevisionArgument.init(parsing:))
                let (_, repository) = try await server.repository(database, reporting: output)
                if delete {
                    let tag = try repository.deleteTag(name)
                    try output.emit(.deleted(tag))
                } else {
                    let (tag, previous) = try repository.tag(name, revision: target, moving: force)
                    try output.emit(.tagged(tag, previous: previous))
                }
            }
        }
    }
}
