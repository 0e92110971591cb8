import Revisions

extension Answer {
    /// `odb purge` when the plan drops nothing: the plan itself for JSON.
    static func nothingToPurge(_ plan: PurgePlan) -> Answer {
        Answer(value: plan, text: "Nothing to purge")
    }

    /// `odb purge` once done: the revisions dropped, and the size the plan freed.
    static func purged(_ dropped: [Int], plan: PurgePlan) -> Answer {
        Answer(
            value: ["purged": dropped],
            text: "Purged \(Text.count(dropped.count, "revision database")) (\(Text.bytes(plan.size)))")
    }
}

extension Text {
    /// What `odb purge` asks about before it drops anything, on a terminal.
    static func purgeQuestion(_ plan: PurgePlan) -> String {
        "This drops \(plan.revisions.count) revision databases of \(plan.database) (\(bytes(plan.size))): "
            + plan.revisions.map(String.init).joined(separator: ", ")
    }
}
