import ArgumentParser
import Revisions

extension ODB {
    struct Revert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a revision back into the working database (default: its parent).",
            discussion: "The working database keeps its name and its revision number; its parent becomes REV.")

        @Argument(help: "A revision number, a tag, or 'tip'.")
        var revision: String?

        @OptionGroup var change: ChangeOptions

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let target = try revision.map(RevisionArgument.init(parsing:))
                let outcome = try await change.run(connection, output) { try $0.revert(to: target) }
                try output.emit(.reverted(outcome))
            }
        }
    }
}
