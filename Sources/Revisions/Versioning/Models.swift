/// A committed revision, as `odb log` shows it.
public struct Revision: Codable, Sendable, Equatable {
    public let number: Int
    public let parent: Int
    /// The revision's database, or nil once purged.
    public let database: String?
    public let message: String
    public let author: String
    /// When it was committed, in UTC (ISO 8601).
    public let created: String
    public let size: Int64?
    public let tags: [String]
    /// Whether a ready spare makes a revert to it a rename.
    public var spare = false
    /// A restore's revision whose database the background worker is still to load from the dump
    /// (`PendingRevisions`); `odb log --json` says it only when true.
    public var loading = false
    /// A hidden state (a working database a revert kept, `@N` for number -N), shown by `log --all`.
    public var hidden: Bool { number < 0 }

    enum CodingKeys: String, CodingKey {
        case number, parent, database, message, author, created, size, tags, spare
    }
}

/// Where the working database stands.
public struct Info: Codable, Sendable, Equatable {
    public let database: String
    public let server: String
    /// The number the next commit will get.
    public let revision: Int
    /// The revision the working database came from (0: none yet).
    public let parent: Int
    public let tip: Int
    public let parentTags: [String]
    public let size: Int64
    public let revisions: Int
    public let revisionsSize: Int64
    /// The revisions with a ready spare, and their size on disk.
    /// The ready spares, described as `odb spares` describes them.
    public var spares: [Spare] = []
    public var sparesSize: Int64 = 0
    /// Replaced working databases not dropped yet.
    public var discardedSize: Int64 = 0
    /// Those of them logical replication keeps: odb drops them once it is gone.
    public var keptForReplication: [Replication] = []
    /// Why the background worker last failed to build a spare, if it did.
    public var spareFailure: SpareFailure? = nil
    /// Whether copies on this server clone (PostgreSQL 18 on a file system that shares blocks).
    public var copies: CopyMethod?
    /// Whether the working database is on the server (false: renamed or dropped by hand).
    public var exists = true
    /// Folders on the server's disk that no database owns (nil: none, or odb cannot see them).
    public var leftoverFolders: LeftoverFolders? = nil
}

/// The logical replication tied to a database: the subscriptions that live in it and the slots
/// that decode it. odb never drops such a database (see `drop(_:)`), nor swaps it out.
public struct Replication: Codable, Sendable, Equatable {
    public let database: String
    public var subscriptions: [String] = []
    public var slots: [String] = []

    public var isEmpty: Bool { subscriptions.isEmpty && slots.isEmpty }
}

/// A session that odb ended to get a database to itself.
public struct Session: Codable, Sendable, Equatable, CustomStringConvertible {
    public let pid: Int
    public let user: String
    public let application: String

    public var description: String {
        application.isEmpty ? "\(user) (pid \(pid))" : "\(user): \(application) (pid \(pid))"
    }
}

public struct InitOutcome: Codable, Sendable, Equatable {
    public let database: String
    public let created: Bool
    public let alreadyTracked: Bool
    public let revision: Int
    public let parent: Int
}

public struct CommitOutcome: Codable, Sendable, Equatable {
    public let database: String
    /// The revision just made.
    public let committed: Int
    /// The working database's new revision number.
    public let revision: Int
    public let revisionDatabase: String
    public let endedSessions: [Session]
}

public struct RevertOutcome: Codable, Sendable, Equatable {
    public let database: String
    public let parent: Int
    public let revision: Int
    public let endedSessions: [Session]
    /// Whether a spare made it a rename rather than a copy.
    public let usedSpare: Bool
    /// The hidden state reverted to (`@N`), if it was one; then `parent` is that state's parent.
    public var hidden: Int? = nil
    /// The hidden state (`@N`) the replaced working database was kept as, if it was.
    public var kept: Int? = nil
}

public struct Tag: Codable, Sendable, Equatable {
    public let name: String
    public let revision: Int
}

public enum PurgeMode: String, Codable, Sendable, CaseIterable {
    case all
    case keeptags
    /// The revisions the user named (`odb purge 3 4`).
    case chosen
}

/// What a purge would drop, for the confirmation.
public struct PurgePlan: Codable, Sendable, Equatable {
    public let database: String
    public let mode: PurgeMode
    public let revisions: [Int]
    public let size: Int64
}

/// Something odb did or waited for along the way, for the command line to show.
public enum Event: Sendable, Equatable {
    /// Another session holds odb's lock on the database; odb waits for it up to `timeout`.
    case waitingForLock(database: String, holder: Session?, timeout: Duration)
    case endedSessions(database: String, sessions: [Session])
    case recovered(database: String, Recovered)
    case droppedRevision(number: Int, database: String)
    /// A revert kept the working database it replaced as hidden state `@number`.
    case keptHiddenState(number: Int)
    case copying(CopyProgress)
    case copied(CopyReport)
    case usedSpare(number: Int, database: String)
    /// A worker is building the spare of revision `number` (of `size` bytes, its copy running
    /// for `running` when the server says); odb waits for the rest of it up to `timeout`.
    case waitingForSpare(number: Int, size: Int64?, running: Duration?, timeout: Duration)
    case builtSpare(number: Int, database: String)
    /// A restore's revision is still being loaded from its dump by the background worker; odb
    /// waits for it up to `timeout`.
    case waitingForLoad(number: Int, key: String, timeout: Duration)
    /// The background worker loaded revision `number` from its dump.
    case loadedRevision(number: Int, key: String)
    case droppedSpare(number: Int, database: String)
    case droppedDiscarded(database: String)
    /// A database odb was to drop and did not: logical replication holds it (it stays listed).
    case keptForReplication(Replication)
    case skippedSpare(number: Int, reason: OdbError)
    /// Roles the recorded owner, grants or settings name are gone; those were left out.
    case rolesMissing(database: String, roles: [String])
    /// The background worker could not build a spare (said by the next command that needs it).
    case spareFailed(SpareFailure)
    /// A copy that could have cloned (PostgreSQL 18 and later) copies instead; said once a process.
    case cloneUnavailable(reason: String)
    /// Statements restoring an owner, grant or setting that this role may not run; left out.
    case restoreRefused(database: String, statements: [String])
    /// An odb was stopped while `patch` of a migration ran, with `guardRevision` committed before it.
    case migrationInterrupted(database: String, patch: String, guardRevision: Int?)
    /// The background worker's copy was cancelled so that this command need not wait for it.
    case preemptedWorker(database: String)
}
