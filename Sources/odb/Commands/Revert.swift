import ArgumentParser
import Revisions

extension ODB {
    struct Revert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revert",
            abstract: "Put a revision back into the working database (default: its parent).",
            discussion: """
                The working database keeps its name and its revision number; its parent becomes REV. The state it \
                replaces is kept as a hidden state (@1, @2, …; 'odb log --all' lists them), dropped by retention \
                ([history] keep_hidden and keep_hidden_days in odb.toml: by default the last 5, or a week).
                """)

        @Argument(help: "A revision number, a tag, 'tip', or @N (a hidden state).")
        var revision: String?

        @OptionGroup var change: ChangeOptions

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let target = try revision.map(RevisionArgument.init(parsing:))
                let retention = try HiddenRetention.read(
                    from: ProjectConfiguration.load(from: connection.workspaceOptions.directory))
                let outcome = try await change.run(connection, output) { try $0.revert(to: target, retention: retention) }
                try output.emit(.reverted(outcome))
            }
        }
    }
}
