import Revisions

extension Answer {
    /// `odb spares`: the policy, then a line a spare with its size, or whether it is being built.
    static func spares(_ policy: SparePolicy) -> Answer {
        var lines = ["keeping \(Text.count(policy.keep, "spare")) for \(policy.database)"]
        for spare in policy.spares {
            let state = spare.ready ? spare.size.map(Text.bytes) ?? "ready" : "being built"
            lines.append("  revision \(spare.number)  \(spare.database)  \(state)")
        }
        if let failure = policy.spareFailure { lines.append(Text.spareFailure(failure)) }
        return Answer(value: policy, text: lines.joined(separator: "\n"))
    }

    /// `odb maintain` on `database`: what it did, or that another worker was at it.
    static func maintenance(_ report: MaintenanceReport, of database: String) -> Answer {
        var text =
            report.ran
            ? "built \(Text.count(report.built.count, "spare")), dropped \(Text.count(report.dropped.count, "database"))"
            : "another odb is already tidying \(database)"
        if !report.loaded.isEmpty { text += "; loaded " + report.loaded.map { "revision \($0)" }.joined(separator: ", ") }
        text += report.failedLoads.map { "; could not load revision \($0.number): \($0.reason)" }.joined()
        return Answer(value: report, text: text)
    }
}

extension Text {
    /// Why the background worker could not build a spare, as `info`, `spares` and `revert` say it.
    static func spareFailure(_ failure: SpareFailure) -> String {
        "the spare of revision \(failure.number) could not be built (\(failure.problem.rawValue): \(failure.detail))"
    }
}
