import Foundation
import Revisions

extension Text {
    /// The line an event gets on stderr; nil for the progress of a copy, which `ProgressLine`
    /// draws, and for the details only `verbose` (`-v`) shows.
    static func event(_ event: Event, verbose: Bool) -> String? {
        switch event {
        case .waitingForLock(let database, let holder?, let timeout) where holder.application == Workspace.workerApplicationName:
            "waiting for odb's background worker (backend pid \(holder.pid)), which is tidying '\(database)' after the last change, "
                + "for up to \(duration(timeout))…"
        case .waitingForLock(let database, let holder, let timeout):
            "waiting for another odb (\(holder.map(describeHolder) ?? "another session")) working on '\(database)', "
                + "for up to \(duration(timeout))…"
        case .endedSessions(let database, let sessions):
            "ended \(count(sessions.count, "connection")) to '\(database)': "
                + sessions.map(\.description).joined(separator: ", ")
        case .recovered(let database, let recovered):
            "an interrupted \(recovered.description) on '\(database)' was \(recovered.outcome.rawValue) by this odb before it began"
        case .migrationInterrupted(let database, let patch, let guardRevision):
            "an odb was stopped while migrating '\(database)', running \(patch); 'odb migrate' resumes after the patches "
                + "it committed" + (guardRevision.map { ", 'odb revert \($0)' goes back to before the migration" } ?? "")
        case .waitingForSpare(let number, let size, let running, let timeout):
            waitingForSpare(number, size: size, running: running, timeout: timeout)
        case .waitingForLoad(let number, let key, let timeout):
            "waiting for the background worker to load revision \(number) from \(key), for up to \(duration(timeout))…"
        case .preemptedWorker(let database):
            verbose ? "stopped the background worker's copy for '\(database)'; it starts again after this command" : nil
        case .keptHiddenState(let number):
            "kept the replaced state as @\(number): 'odb revert @\(number)' brings it back"
        case .keptForReplication(let replication):
            "not dropped: \(Text.replicationKeeps(replication)); odb drops it once they are gone"
        case .copying:
            nil
        case .skippedSpare(let number, let reason):
            "no spare for revision \(number): \(reason.message)"
        case .restoreRefused(let database, let statements):
            "not permitted to restore on \(database), left out (a superuser may run them): "
                + statements.joined(separator: "; ")
        case .spareFailed(let failure):
            Text.spareFailure(failure) + "; copying instead"
        case .rolesMissing(let database, let roles):
            "the roles \(roles.joined(separator: ", ")) no longer exist: their ownership, grants and settings "
                + "were not restored on \(database)"
        default:
            verbose ? detail(event) : nil
        }
    }

    /// What `-v` adds.
    private static func detail(_ event: Event) -> String? {
        switch event {
        case .droppedRevision(let number, let database) where number < 0:
            "dropped hidden state @\(-number) (\(database))"
        case .droppedRevision(let number, let database): "dropped revision \(number) (\(database))"
        case .copied(let report):
            "copied '\(report.source)' to '\(report.target)' (\(bytes(report.size))) "
                + "with \(report.strategy.label) in \(String(format: "%.2f", report.seconds)) s: "
                + report.reason
        case .usedSpare(let number, let database): "swapped in the spare of revision \(number) (\(database)): a rename, no copy"
        case .builtSpare(let number, let database): "built a spare of revision \(number) (\(database))"
        case .loadedRevision(let number, let key): "loaded revision \(number) from \(key)"
        case .droppedSpare(let number, let database): "dropped the spare of revision \(number) (\(database))"
        case .droppedDiscarded(let database): "dropped the replaced database \(database)"
        case .cloneUnavailable(let reason): "cannot clone, copying instead: \(reason)"
        default: nil
        }
    }

    /// A revert waiting for the build of its target's spare: what it waits for, and how long at most.
    static func waitingForSpare(_ number: Int, size: Int64?, running: Duration?, timeout: Duration) -> String {
        let details = [size.map(bytes), running.map { "copying for \(duration($0))" }].compactMap { $0 }
        return "waiting for the spare of revision \(number) being built"
            + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
            + ", for up to \(duration(timeout)): the rest of a copy is never slower than a new one…"
    }

    /// A duration as a person says it: "250 ms", "3 s", "10 min".
    static func duration(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        let seconds = milliseconds / 1000
        if seconds < 120 || seconds % 60 != 0 { return "\(seconds) s" }
        return "\(seconds / 60) min"
    }

    /// A copy under way, for `ProgressLine`: bytes written of the total when odb can read the
    /// server's files, and the time so far.
    static func progress(_ progress: CopyProgress) -> String {
        let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
        var text = "copying \(copied(progress.source, into: progress.target)): "
        if let done = progress.done, progress.total > 0 {
            text += "\(bytes(done)) of \(bytes(progress.total)) (\(min(100, done * 100 / progress.total))%), "
        } else {
            text += "\(bytes(progress.total)), "
        }
        return text + String(format: "%.1f s", seconds)
    }
}

extension Text {
    /// What a copy copies, in the user's words: "revision 3" (a revert, a spare), "a hidden state"
    /// (`revert @N`), or "'demo' into revision 3" (a commit), never odb's internal names
    /// (`demo*odb-new`).
    static func copied(_ source: String, into target: String) -> String {
        func revision(_ name: String) -> Int? {
            guard let star = name.lastIndex(of: "*") else { return nil }
            return Int(name[name.index(after: star)...].prefix { $0.isNumber })
        }
        if let number = revision(source) { return "revision \(number)" }
        if source.contains("*odb-old-") { return "a hidden state" }
        if let number = revision(target) { return "'\(oneLine(source))' into revision \(number)" }
        return "'\(oneLine(source))'"
    }
}
