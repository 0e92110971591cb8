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
    static func recovered(_ outcome: String?) -> Answer {
        Answer(value: ["recovered": outcome], text: outcome.map { "Recovered: \($0)" } ?? "Nothing to recover")
    }

    /// `odb protect [--off]` (JSON: `protected` is the string `"true"` or `"false"`).
    static func protection(of database: String, on: Bool) -> Answer {
        Answer(
            value: ["database": database, "protected": on ? "true" : "false"],
            text: on ? "\(database) is protected: revert and purge will refuse" : "\(database) is no longer protected")
    }
}
