/// What to migrate and how (`odb migrate`'s options).
public struct MigrationRequest: Sendable {
    public enum Selection: String, Sendable {
        /// Every pending patch, in order.
        case all
        /// The first run of consecutive pending patches of one group (`std`, or `direct` and
        /// `concurrent`): lazr's default.
        case group
        /// The first pending patch.
        case one
    }

    public var folder: String
    public var selection: Selection = .all
    /// Only patches of this type.
    public var type: PatchType?
    /// Run the transactional patches in a transaction that is rolled back; list the others.
    public var dryRun = false
    /// Commit a guard revision first and revert to it if a patch fails.
    public var guarded = true
    /// Record the current contents of applied patches whose files changed, instead of refusing.
    public var acceptChanged = false
    /// A conninfo for the server (the workspace's), to reach the migrated database.
    public var conninfo: String

    public init(folder: String, conninfo: String) {
        self.folder = folder
        self.conninfo = conninfo
    }
}

/// A patch a migration ran (or, in a dry run, would run).
public struct AppliedPatch: Codable, Sendable, Equatable {
    public let file: String
    public let type: PatchType
    /// How long it took; nil for a patch a dry run only lists.
    public let seconds: Double?
}

/// What `odb migrate` did.
public struct MigrationOutcome: Codable, Sendable, Equatable {
    public let database: String
    public let dryRun: Bool
    /// The revision committed before the first patch; nil with `--no-guard`, in a dry run, or when
    /// nothing was pending.
    public let guardRevision: Int?
    public let applied: [AppliedPatch]
    /// Concurrent patches a dry run did not run.
    public let listed: [AppliedPatch]
    /// Pending patches this run left for later (`--group`, `-1`, `--type`).
    public let remaining: [String]
    /// Applied patches whose changed contents were recorded (`--accept-changed`).
    public let accepted: [String]
}

/// Where a failed patch left the database.
public enum PatchUndo: Sendable, Equatable {
    /// Reverted to the guard revision: the patches `undone` (committed in this run) are gone.
    case reverted(guardRevision: Int, undone: [String])
    /// A protected database: the guard revision is there, odb did not revert.
    case protected(guardRevision: Int, applied: [String])
    /// The revert to the guard failed: the patches before it stay applied.
    case revertFailed(guardRevision: Int, applied: [String], reason: String)
    /// `--no-guard`: the patches before it stay applied, as lazr leaves them.
    case unguarded(applied: [String])
    /// A dry run: everything was rolled back.
    case dryRun
}

/// A patch that failed: its file, the line of the statement that failed, the server's words.
public struct PatchFailure: Sendable, Equatable {
    public let file: String
    public let line: Int
    public let message: String
    public let sqlState: String?
    public let undo: PatchUndo
    /// Indexes a concurrent patch left invalid.
    public let invalidIndexes: [String]
}

/// `odb migrate --status`.
public struct MigrationStatus: Codable, Sendable, Equatable {
    public enum FileState: String, Codable, Sendable {
        case unchanged
        case changed
        case missing
        /// A concurrent patch that did not run to its end.
        case unfinished
    }

    public struct Applied: Codable, Sendable, Equatable {
        public let file: String
        public let type: String
        public let started: String
        public let ended: String?
        public let appliedBy: String
        public let role: String
        public let guardRevision: Int?
        public let sha256: String
        public let state: FileState
    }

    public let database: String
    public let folder: String
    public let applied: [Applied]
    public let pending: [String]
    public let invalidIndexes: [String]
}
