import Foundation

/// The named steps of every operation that changes databases: the moments between two changes at
/// which odb can be stopped. After each, the journal (`odb.operations`), the spares table or the
/// list of discarded databases says what is half done, and the next odb command finishes or undoes
/// it. Each step is also where a signal (see `Interruption`) stops the operation.
///
/// The fault-injection tests stop odb at each of them with `ODB_FAULT=STEP[:HOW]`: odb kills
/// itself (SIGKILL) on reaching that step; with `:disconnect` its server session is ended instead,
/// as a server restart would; with `:int`, `:term` or `:hup` it sends itself that signal. That
/// variable is a test hook and nothing else reads it.
public enum Step: String, CaseIterable, Sendable {
    case commitJournaled = "commit.journaled"
    case commitFenced = "commit.fenced"
    case commitCopied = "commit.copied"
    case revertJournaled = "revert.journaled"
    case revertCopied = "revert.copied"
    case swapFenced = "swap.fenced"
    case swapSwapped = "swap.swapped"
    case purgeForgotten = "purge.forgotten"
    case initRecorded = "init.recorded"
    case initCreated = "init.created"
    case spareClaimed = "spare.claimed"
    case spareCopied = "spare.copied"
    case discardDropped = "discard.dropped"
    case migrateJournaled = "migrate.journaled"
    /// A transactional patch's statements have run, before its transaction commits.
    case migrateApplied = "migrate.applied"
    /// Between two statements of a concurrent patch.
    case migrateStatement = "migrate.statement"
    case readOpened = "read.opened"
    case checkoutRecorded = "checkout.recorded"
    case dumpStarted = "dump.started"
    case dumpStreaming = "dump.streaming"
    case dumpStored = "dump.stored"
    case restoreJournaled = "restore.journaled"
    case restoreLoaded = "restore.loaded"
    case restoreHooked = "restore.hooked"
    case restoreCopied = "restore.copied"
    case pullJournaled = "pull.journaled"
    case pullLoaded = "pull.loaded"
    /// The background worker has loaded a restored revision's dump, before it is recorded.
    case pendingLoaded = "pending.loaded"

    /// The operation the step belongs to: commit, revert, swap, purge, init, spare, discard, dump or
    /// restore.
    public var operation: Substring { rawValue.prefix { $0 != "." } }

    /// Whether a signal stops the operation here. Past a swap the operation is done, and a drop
    /// of a discarded database is tidying: both finish rather than report a failure that did not
    /// happen.
    var interruptible: Bool { self != .swapSwapped && self != .discardDropped }

    enum Fault: Equatable {
        case kill
        case disconnect
        case signal(Int32)
    }

    private static let fault: (step: String, fault: Fault)? = {
        guard let value = ProcessInfo.processInfo.environment["ODB_FAULT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
        let how: Fault =
            switch parts.count > 1 ? parts[1] : "kill" {
            case "disconnect": .disconnect
            case "int": .signal(SIGINT)
            case "term": .signal(SIGTERM)
            case "hup": .signal(SIGHUP)
            default: .kill
            }
        return (parts[0], how)
    }()

    /// Marks that an operation has reached this step: throws `OdbError.interrupted` if a signal
    /// came, and applies the test fault aimed at this step, if any.
    func reached(on connection: Connection) throws {
        if let fault = Self.fault, fault.step == rawValue {
            switch fault.fault {
            case .kill: kill(getpid(), SIGKILL)
            case .disconnect: _ = try? connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
            case .signal(let number): Interruption.shared.raise(number)
            }
        }
        if interruptible { try Interruption.shared.checkpoint() }
    }
}
