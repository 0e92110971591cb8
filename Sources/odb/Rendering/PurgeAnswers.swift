import Revisions

extension Answer {
    /// `odb purge` when the plan drops nothing: the plan itself for JSON.
    static func nothingToPurge(_ plan: PurgePlan) -> Answer {
        Answer(value: PurgeReport(database: plan.database, purged: [], size: 0, dryRun: false), text: "Nothing to purge")
    }

    /// `odb purge` once done: the revisions dropped, and the size the plan freed.
    static func purged(_ dropped: [Int], plan: PurgePlan) -> Answer {
        Answer(
            value: PurgeReport(database: plan.database, purged: dropped, size: plan.size, dryRun: false),
            text: "Purged \(Text.count(dropped.count, "revision database")) (\(Text.bytes(plan.size)))")
    }

    /// `odb purge --dry-run`: what would go, in the same shape, with `dryRun` true.
    static func purgeDryRun(_ plan: PurgePlan) -> Answer {
        let text =
            plan.revisions.isEmpty
            ? "Nothing to purge"
            : "Would purge \(Text.count(plan.revisions.count, "revision database")) (\(Text.bytes(plan.size))): "
                + plan.revisions.map(String.init).joined(separator: ", ")
        return Answer(
            value: PurgeReport(database: plan.database, purged: plan.revisions, size: plan.size, dryRun: true), text: text)
    }
}

extension Text {
    /// What `odb purge` asks about before it drops anything, on a terminal.
    static func purgeQuestion(_ plan: PurgePlan) -> String {
        "This drops \(plan.revisions.count) revision databases of \(plan.database) (\(bytes(plan.size))): "
            + plan.revisions.map(String.init).joined(separator: ", ")
    }
}

/// What `odb purge --json` prints, whether or not anything was purged: the revisions whose
/// databases were dropped (or, with `dryRun`, would be) and their size in bytes.
struct PurgeReport: Encodable, Equatable {
    let database: String
    let purged: [Int]
    let size: Int64
    let dryRun: Bool

    enum CodingKeys: String, CodingKey {
        case database, purged, size
        case dryRun
    }
}
