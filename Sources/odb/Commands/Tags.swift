import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct TagCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tag", abstract: "Name a revision (default: the working database's parent), or delete a name.")

        @Flag(name: [.short, .customLong("delete")], help: "Delete the tag.")
        var delete = false

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
        }

        func run() async throws {
            try await failing {
                let target = try revision.map(RevisionArgument.init(parsing:))
                let (_, repository) = try await server.repository(database, events: output.report)
                if delete {
                    let tag = try repository.deleteTag(name)
                    try output.emit(tag) { "Deleted tag \(tag.name) (revision \(tag.revision))" }
                } else {
                    let tag = try repository.tag(name, revision: target)
                    try output.emit(tag) { "Tagged revision \(tag.revision) as \(tag.name)" }
                }
            }
        }
    }

    struct Tags: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tags, newest revision first.")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let tags = try await connection.repository().1.tags()
                try output.emit(tags) {
                    tags.isEmpty ? "no tags" : tags.map { "\($0.name)\t\($0.revision)" }.joined(separator: "\n")
                }
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop revision databases to free space; the history stays readable.")

        @Argument(help: "all: every revision database; keeptags: all but the tagged ones.")
        var mode: PurgeMode

        @Flag(name: .short, help: "Do not ask for confirmation (required without a terminal).")
        var yes = false

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let (_, repository) = try await connection.repository(events: output.report)
                let plan = try repository.purgePlan(mode)
                if plan.revisions.isEmpty {
                    try output.emit(plan) { "Nothing to purge" }
                    return
                }
                if !yes {
                    guard isatty(STDIN_FILENO) == 1 else {
                        throw OdbError.confirmationRequired("dropping \(plan.revisions.count) revision databases")
                    }
                    print(
                        "This drops \(plan.revisions.count) revision databases of \(plan.database) (\(formatBytes(plan.size))): "
                            + plan.revisions.map(String.init).joined(separator: ", "))
                    print("Confirm? [y/N] ", terminator: "")
                    guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                        print("Nothing purged")
                        return
                    }
                }
                let dropped = try repository.purge(plan)
                try output.emit(["purged": dropped]) {
                    "Purged \(dropped.count) revision database\(dropped.count == 1 ? "" : "s") (\(formatBytes(plan.size)))"
                }
            }
        }
    }
}

extension PurgeMode: ExpressibleByArgument {}
