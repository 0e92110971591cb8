import Revisions

extension Answer {
    /// `odb init`: whether the database was created, or already tracked.
    static func tracking(_ outcome: InitOutcome) -> Answer {
        let name = Text.oneLine(outcome.database)
        let text =
            outcome.alreadyTracked
            ? "\(name) is already tracked, at revision \(outcome.revision) (parent: \(outcome.parent))"
            : (outcome.created ? "Created and now tracking \(name)" : "Now tracking \(name)")
                + ", at revision \(outcome.revision)"
        return Answer(value: outcome, text: text)
    }

    /// `odb commit`.
    static func committed(_ outcome: CommitOutcome) -> Answer {
        Answer(value: outcome, text: "Committed revision \(outcome.committed), now at revision \(outcome.revision)")
    }

    /// `odb revert`.
    static func reverted(_ outcome: RevertOutcome) -> Answer {
        let target = outcome.hidden.map { "@\($0) (on revision \(outcome.parent))" } ?? "revision \(outcome.parent)"
        return Answer(value: outcome, text: "Reverted to \(target), now at revision \(outcome.revision)")
    }

    /// `odb recover`: what was finished or undone (JSON: `null` when nothing), the leftover
    /// folders removed and the space that freed, and a line for each folder this user may not
    /// remove, naming who may.
    static func recovered(_ report: RecoveryReport) -> Answer {
        var lines = report.recovered.map { ["Recovered: \($0): \($0.outcome.rawValue)"] } ?? []
        if !report.removedFolders.isEmpty {
            let paths = report.removedFolders.map { Text.oneLine($0.path) }.joined(separator: ", ")
            lines.append(
                "Removed \(Text.count(report.removedFolders.count, "leftover folder")) no database owned, "
                    + "freed \(Text.bytes(report.freed)): \(paths)")
        }
        for folder in report.notPermitted {
            let who = folder.owner == "root" ? "root" : "root or \(Text.oneLine(folder.owner))"
            lines.append(
                "Not removed: \(Text.oneLine(folder.path)) (\(Text.bytes(folder.size)), a leftover folder no database owns): "
                    + "only \(who) may remove it")
        }
        return Answer(value: report, text: lines.isEmpty ? "Nothing to recover" : lines.joined(separator: "\n"))
    }

    /// `odb protect [--off]` (JSON: `{"database": …, "protected": true}`, a boolean).
    static func protection(of database: String, on: Bool) -> Answer {
        Answer(
            value: Protection(database: database, protected: on),
            text: on
                ? "\(Text.oneLine(database)) is protected: revert and purge will refuse"
                : "\(Text.oneLine(database)) is no longer protected")
    }
}

extension Recovered: CustomStringConvertible {
    /// "revert of revision 3", or "init".
    public var description: String { operation == "init" ? "init" : "\(operation) of revision \(number)" }
}

/// What `odb protect --json` prints.
struct Protection: Encodable, Equatable {
    let database: String
    let protected: Bool
}

extension Answer {
    /// `odb untrack`: what was forgotten, and what was left on the server.
    static func untracked(_ outcome: UntrackOutcome) -> Answer {
        var text = "No longer tracking \(Text.oneLine(outcome.database))"
        if !outcome.dropped.isEmpty { text += "; dropped \(Text.count(outcome.dropped.count, "revision database"))" }
        if !outcome.kept.isEmpty {
            text +=
                "; \(Text.count(outcome.kept.count, "revision database")) kept on the server: "
                + outcome.kept.map(Text.oneLine).joined(separator: ", ")
        }
        return Answer(value: outcome, text: text)
    }
}
