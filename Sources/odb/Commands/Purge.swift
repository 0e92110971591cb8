import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Drop revision databases to free space; the history stays readable.")

        @Argument(
            help: "all: every revision database; keeptags: all but the tagged ones; or the revisions to purge (numbers, tags).")
        var targets: [String]

        func validate() throws {
            if targets.isEmpty { throw ValidationError("purge needs all, keeptags, or the revisions to purge") }
            if targets.count > 1, targets.contains("all") || targets.contains("keeptags") {
                throw ValidationError("purge takes all, keeptags, or revisions, not both")
            }
        }

        @Flag(name: .short, help: "Do not ask for confirmation (required without a terminal).")
        var yes = false

        @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Say what would be dropped, and drop nothing.")
        var dryRun = false

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try await failing {
                let repository = try await connection.repository(reporting: output)
                let plan: PurgePlan
                switch targets {
                case ["all"]: plan = try repository.purgePlan(.all)
                case ["keeptags"]: plan = try repository.purgePlan(.keeptags)
                default: plan = try repository.purgePlan(chosen: try targets.map(RevisionArgument.init(parsing:)))
                }
                if dryRun {
                    try output.emit(.purgeDryRun(plan))
                    return
                }
                if plan.revisions.isEmpty {
                    try output.emit(.nothingToPurge(plan))
                    return
                }
                try confirmDropping(
                    "dropping \(plan.revisions.count) revision databases", question: Text.purgeQuestion(plan),
                    declined: "Nothing purged", yes: yes)
                let dropped = try repository.purge(plan)
                try output.emit(.purged(dropped, plan: plan))
            }
        }
    }
}
