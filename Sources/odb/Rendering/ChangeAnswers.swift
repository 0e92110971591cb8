import Revisions

extension Answer {
    /// `odb init`: whether the database was created, or already tracked.
    static func tracking(_ outcome: InitOutcome) -> Answer {
        let text =
            outcome.alreadyTracked
            ? "\(outcome.database) is already tracked, at revision \(outcome.revision) (parent: \(outcome.parent))"
            : (outcome.created ? "Created and now tracking \(outcome.database)" : "Now tracking \(outcome.database)")
                + ", at revision \(outcome.revision)"
        return Answer(value: outcome, text: text)
    }

    /// `odb commit`.
    static func committed(_ outcome: CommitOutcome) -> Answer {
        Answer(value: outcome, text: "Committed revision \(outcome.committed), now at revision \(outcome.revision)")
    }

    /// `odb revert`.
    static func reverted(_ outcome: RevertOutcome) -> Answer {
        Answer(value: outcome, text: "Reverted to revision \(outcome.parent), now at revision \(outcome.revision)")
    }

    /// `odb recover`: what was finished or undone, if anything (JSON: `null` when nothing).
    static func recovered(_ report: RecoveryReport) -> Answer {
        let text = report.recovered.map { "Recovered: \($0): \($0.outcome.rawValue)" } ?? "Nothing to recover"
        return Answer(value: report, text: text)
    }

    /// `odb protect [--off]` (JSON: `protected` is the string `"true"` or `"false"`).
    static func protection(of database: String, on: Bool) -> Answer {
        Answer(
            value: ["database": database, "protected": on ? "true" : "false"],
            text: on ? "\(database) is protected: revert and purge will refuse" : "\(database) is no longer protected")
    }
}

extension Recovered: CustomStringConvertible {
    /// "revert of revision 3", or "init".
    public var description: String { operation == "init" ? "init" : "\(operation) of revision \(number)" }
}
