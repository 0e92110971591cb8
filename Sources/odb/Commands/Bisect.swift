import ArgumentParser
import Revisions

extension ODB {
    struct Bisect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bisect",
            abstract: "Find the first revision where a query's answer changed.",
            discussion: """
                Follows first parents from --bad (default: the working database) back to --good (default: \
                the first revision), and halves that path until it finds the first state whose answer \
                differs from the answer at --good (or, with --expect, is not VALUE). The query runs \
                read-only, on each revision in turn, which stays frozen.
                """)

        @Option(help: "The query whose answer is compared: one read-only statement.")
        var query: String

        @Option(help: "A revision where the answer is as it was (default: the first revision).")
        var good: String?

        @Option(help: "A revision where it has changed (default: the working database).")
        var bad: String?

        @Option(help: "Look for the first state whose answer is not VALUE instead.")
        var expect: String?

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let repository = try await connection.readingRepository(reporting: output)
                let outcome = try repository.bisect(
                    query: query, good: try good.map(RevisionArgument.init(parsing:)),
                    bad: try bad.map(RevisionArgument.init(parsing:)), expect: expect
                ) { step in
                    if !output.quiet { ProgressLine.standardError.print(Text.bisectStep(step)) }
                }
                try output.emit(.bisect(outcome))
            }
        }
    }
}
