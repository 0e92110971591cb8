import ArgumentParser
import Revisions

extension ODB {
    struct Commit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Freeze the working database as a new revision.")

        @Option(name: [.short, .long], help: "What this revision is.")
        var message = ""

        @OptionGroup var change: ChangeOptions

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let outcome = try await change.run(connection, output) { try $0.commit(message: message) }
                try output.emit(outcome) {
                    "Committed revision \(outcome.committed), now at revision \(outcome.revision)"
                }
            }
        }
    }

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
                try output.emit(outcome) {
                    "Reverted to revision \(outcome.parent), now at revision \(outcome.revision)"
                }
            }
        }
    }

    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finish or undo what an interrupted odb left behind (every command also does this first).")

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let workspace = try await connection.open()
                let outcome = try workspace.repository(connection.database).recover()
                try output.emit(outcome) {
                    outcome.recovered.map { "Recovered: \($0): \($0.outcome.rawValue)" } ?? "Nothing to recover"
                }
            }
        }
    }
}
