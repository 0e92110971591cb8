import Foundation
import Revisions

extension Answer {
    /// `odb migrate`: the guard, each patch and its time, what is left.
    static func migrated(_ outcome: MigrationOutcome) -> Answer {
        var lines: [String] = []
        if outcome.applied.isEmpty && outcome.listed.isEmpty {
            lines.append("Nothing to migrate: no pending patch" + (outcome.remaining.isEmpty ? "" : " of that kind"))
        } else if outcome.dryRun {
            lines.append("Dry run on '\(outcome.database)': nothing was changed")
            lines += outcome.applied.map { "ran and rolled back \($0.file)  \(Text.seconds($0.seconds))" }
            lines += outcome.listed.map { "would run \($0.file) (concurrent: not run in a dry run)" }
        } else {
            if let guardRevision = outcome.guardRevision {
                lines.append("Committed revision \(guardRevision) before the migration ('odb revert \(guardRevision)' goes back)")
            }
            lines += outcome.applied.map { "applied \($0.file)  \(Text.seconds($0.seconds))" }
            lines.append("Applied \(patches(outcome.applied.count)) to '\(outcome.database)'")
        }
        if !outcome.accepted.isEmpty {
            lines.append("Recorded the new contents of \(outcome.accepted.joined(separator: ", "))")
        }
        if !outcome.remaining.isEmpty {
            lines.append("\(patches(outcome.remaining.count)) left: \(outcome.remaining.joined(separator: ", "))")
        }
        return Answer(value: outcome, text: lines.joined(separator: "\n"))
    }

    /// `odb migrate --status`.
    static func migrationStatus(_ status: MigrationStatus) -> Answer {
        var lines = ["'\(status.database)', patches in \(status.folder):"]
        if status.applied.isEmpty { lines.append("no patch applied yet") }
        for applied in status.applied {
            var line = "applied  \(applied.file)  \(applied.started)"
            line += applied.ended.map { " → \($0)" } ?? " → (did not finish)"
            line += "  \(applied.appliedBy)" + (applied.role == applied.appliedBy ? "" : " as \(applied.role)")
            switch applied.state {
            case .unchanged: break
            case .changed: line += "  CHANGED since applied"
            case .missing: line += "  file MISSING"
            case .unfinished: line += "  UNFINISHED"
            }
            lines.append(line)
        }
        lines += status.pending.map { "pending  \($0)" }
        if !status.invalidIndexes.isEmpty {
            lines.append(
                "invalid indexes (left by an unfinished concurrent patch): \(status.invalidIndexes.joined(separator: ", "))")
        }
        return Answer(value: status, text: lines.joined(separator: "\n"))
    }
}

/// `1 patch`, `2 patches`.
private func patches(_ count: Int) -> String { count == 1 ? "1 patch" : "\(count) patches" }

extension Text {
    /// `0.01 s`; empty when there is no time.
    static func seconds(_ seconds: Double?) -> String {
        seconds.map { String(format: "%.2f s", $0) } ?? ""
    }
}
