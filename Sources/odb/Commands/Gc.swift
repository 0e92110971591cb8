import ArgumentParser
import Foundation
import Revisions

extension ODB {
    struct Gc: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Drop the databases of old revisions and hidden states; the history stays readable.",
            discussion: """
                A revision goes when neither --keep nor --older-than keeps it: with --keep 5 --older-than 30d, \
                those beyond the newest 5 that are also older than 30 days. Hidden states (@N) go by the same \
                rule, ranked among themselves; with neither option, by the retention odb.toml sets \
                ([history] keep_hidden, keep_hidden_days), and no revision goes. The working database's parent \
                always stays.
                """)

        @Option(help: "Keep the newest N revisions (and the newest N hidden states).")
        var keep: Int?

        @Option(
            name: .customLong("older-than"),
            help: "Drop only those older than AGE: 30d, 12h, 2w, 45m (minutes), 90s.")
        var olderThan: String?

        @Flag(name: .customLong("keep-tags"), help: "Never drop a tagged revision.")
        var keepTags = false

        @Flag(name: .short, help: "Do not ask for confirmation (required without a terminal).")
        var yes = false

        @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Say what would be dropped, and drop nothing.")
        var dryRun = false

        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if let keep, keep < 0 { throw ValidationError("--keep must be 0 or more, not \(keep)") }
            if let olderThan, ageSeconds(olderThan) == nil {
                throw ValidationError("--older-than takes an age such as 30d, 12h or 2w, not '\(Text.oneLine(olderThan))'")
            }
        }

        func run() async throws {
            try await failing {
                let retention = try HiddenRetention.read(
                    from: ProjectConfiguration.load(from: connection.workspaceOptions.directory))
                let rule = RetentionRule(keep: keep, olderThan: olderThan.flatMap(ageSeconds), keepTags: keepTags)
                let repository = try await connection.repository(reporting: output)
                let plan = try repository.gcPlan(rule, retention: retention)
                if dryRun || plan.revisions.isEmpty && plan.hidden.isEmpty {
                    try output.emit(.gc(plan, dropped: nil))
                    return
                }
                try confirmDropping(
                    "dropping \(plan.revisions.count + plan.hidden.count) revision databases", question: Text.gcQuestion(plan),
                    declined: "Nothing dropped", yes: yes)
                let dropped = try repository.gc(plan, rule: rule, retention: retention)
                try output.emit(.gc(plan, dropped: dropped))
            }
        }
    }
}

/// An age for `--older-than`: a whole number and a unit, `s`, `m`, `h`, `d` or `w`; in seconds.
func ageSeconds(_ text: String) -> Int64? {
    guard let unit = text.last, let count = Int64(text.dropLast()), count >= 0, text.first?.isNumber == true else {
        return nil
    }
    let seconds: Int64? =
        switch unit {
        case "s": 1
        case "m": 60
        case "h": 3_600
        case "d": 86_400
        case "w": 604_800
        default: nil
        }
    guard let seconds else { return nil }
    let (product, overflow) = count.multipliedReportingOverflow(by: seconds)
    return overflow ? nil : product
}
