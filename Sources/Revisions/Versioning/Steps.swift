import Foundation

/// The named steps of every operation that changes databases: the moments between two changes at
/// which odb can be killed. After each, the journal (`odb.operations`), the spares table or the
/// list of discarded databases says what is half done, and the next odb command finishes or undoes
/// it.
///
/// The fault-injection tests stop odb at each of them: with `ODB_FAULT=STEP`, odb kills itself
/// (SIGKILL) on reaching that step; with `ODB_FAULT=STEP:disconnect` its server session is ended
/// instead, as a server restart would. That variable is a test hook and nothing else reads it.
public enum Step: String, CaseIterable, Sendable {
    case commitJournaled = "commit.journaled"
    case commitFenced = "commit.fenced"
    case commitCopied = "commit.copied"
    case revertJournaled = "revert.journaled"
    case revertCopied = "revert.copied"
    case revertRestored = "revert.restored"
    case revertFenced = "revert.fenced"
    case revertSwapped = "revert.swapped"
    case purgeForgotten = "purge.forgotten"
    case initRecorded = "init.recorded"
    case initCreated = "init.created"
    case spareClaimed = "spare.claimed"
    case spareCopied = "spare.copied"
    case discardDropped = "discard.dropped"

    /// The operation the step belongs to: commit, revert, purge, init, spare or discard.
    public var operation: Substring { rawValue.prefix { $0 != "." } }

    private static let fault: (step: String, disconnect: Bool)? = {
        guard let value = ProcessInfo.processInfo.environment["ODB_FAULT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 && parts[1] == "disconnect")
    }()

    /// Marks that an operation has reached this step; see the type's description for ODB_FAULT.
    func reached(on connection: Connection) {
        guard let fault = Self.fault, fault.step == rawValue else { return }
        if fault.disconnect {
            _ = try? connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
        } else {
            kill(getpid(), SIGKILL)
        }
    }
}
