import Foundation

/// Everything odb refuses or fails at, as data: the command line says each in one line, with what
/// to do (see `Sources/odb/Rendering/ErrorMessages.swift`).
public enum OdbError: Error, Equatable, Sendable {
    // The server and the embedded cluster
    case programMissing(String)
    case cannotConnect(server: String, reason: String)
    case connectionLost(reason: String)
    case clusterDamaged(path: String, reason: String)
    case clusterUnreachable(user: String, path: String)
    case clusterStartFailed(reason: String, log: String)
    /// `odb server start --tcp` on a cluster that runs without TCP (a restart would end sessions).
    case clusterRunningWithoutTCP(port: Int)
    case notWritable(path: String, reason: String)
    case portsExhausted(ClosedRange<Int>)
    case userMissing(String)
    case emptyURL(source: String)
    case noControlDatabase(name: String, server: String)
    /// The server's PostgreSQL is older than odb supports (`SupportedVersions`).
    case unsupportedServer(version: String, server: String)
    /// The embedded cluster was made by another major version of PostgreSQL than the programs found.
    case clusterVersionMismatch(path: String, cluster: String, programs: String, binDirectory: String)
    case controlSchemaTooNew(found: Int, supported: Int)
    /// The database named as the control database is not one odb may write its metadata into.
    case notAControlDatabase(String, reason: ControlProblem)
    /// The journal names an operation this odb does not know (written by a newer odb).
    case unknownOperation(database: String, kind: String)
    case notPermitted(Action, reason: String)
    /// A signal (SIGINT, SIGTERM, SIGHUP) stopped the command; what it had begun was undone.
    case interrupted(signal: Int32)
    /// The role may not use the control database's schema (another role set it up).
    case controlNotPermitted(role: String, database: String)
    /// `.odb/config.json` cannot be read.
    case configCorrupt(path: String)
    /// A command that only reads, in a folder with no project (and no server given).
    case nothingTracked(directory: String)
    /// The project tracks `database`, but its embedded cluster is not at `path` (moved?).
    case clusterMissing(path: String, database: String)

    // What the user named
    case noCurrentDatabase
    case notTracked(database: String)
    case databaseMissing(database: String)
    case invalidDatabaseName(String, reason: NameProblem)
    case invalidRevision(String)
    case unknownRevision(String)
    case nothingCommitted
    /// The tracked working database is not on the server (renamed or dropped by hand).
    case workingDatabaseMissing(database: String)
    /// A tag can only name a revision that still has its database.
    case tagPurged(String, revision: Int)
    case revisionPurged(Int)
    /// A restore's revision whose database the background worker has not loaded from its dump
    /// (`failure`: why its last try failed).
    case revisionNotLoaded(number: Int, key: String, failure: String?)
    case revisionDatabaseMissing(number: Int, database: String)
    case invalidTagName(String, reason: NameProblem)
    case tagExists(String, revision: Int)
    case unknownTag(String)
    case invalidSpareCount(Int)
    case invalidMessage
    case confirmationRequired(String)
    case notACheckout(String, of: String)
    /// `bisect --good A --bad B` where A is not on B's first-parent path.
    case notAnAncestor(good: String, bad: String)
    /// A query the user gave (`bisect --query`) failed on a state.
    case queryFailed(state: String, reason: String)

    // What stands in the way
    case nameTaken(database: String)
    /// Revision databases of `database` exist that this control database did not make.
    case trackedElsewhere(database: String, revision: String)
    /// Another control database on the server (`control`) tracks `database`.
    case trackedByAnother(database: String, control: String)
    case busy(database: String, holder: Session?)
    case connectionsOpen(database: String, sessions: [Session])
    /// Prepared transactions (two-phase commit) on the database, which only their owner can end.
    case preparedTransactions(database: String, gids: [String])
    case sessionsDidNotEnd(database: String, sessions: [Session])
    /// A lock on the database (its catalog row, say, held by an open `ALTER DATABASE`) was not
    /// granted within `seconds`; `holders` are the sessions holding such locks.
    case databaseLocked(database: String, holders: [Session], seconds: Int)
    case revisionInUse(database: String, detail: String)
    case protected(database: String)
    /// Logical replication lives in the working database: a swap would leave its subscriptions
    /// following the replaced database, and dropping that would drop its slots.
    case replicationInUse(database: String, subscriptions: [String], slots: [String])
    /// A database odb was to drop holds a subscription or is decoded by a slot, which the drop
    /// would refuse or silently drop with it.
    case replicationKeeps(Replication)
    /// `needed` and `free` in bytes; `path` is the server's data directory, when odb can see it;
    /// `odbHolds`, what the databases odb made on that server (revisions, spares, hidden and
    /// replaced states) take, when it could be measured: what purging them could give back.
    case notEnoughSpace(copying: String, needed: Int64, free: Int64, path: String?, odbHolds: Int64?)
    case copyFailed(source: String, target: String, error: PostgresError)

    // Migrations
    case migrationFolderMissing(path: String)
    case invalidSetting(file: String, key: String)
    /// A file named `patch-…` that is not `patch-MAJOR-MINOR-POINT-TYPE.sql`.
    case strayPatchFile(file: String)
    case duplicatePatch(number: String, files: [String])
    case patchUnreadable(file: String)
    case patchUnparsable(file: String, line: Int, reason: String)
    case patchesChanged(files: [String])
    /// A concurrent patch did not run to its end: its tracking row has no end time.
    case migrationUnfinished(file: String, guardRevision: Int?, invalidIndexes: [String])
    case patchFailed(PatchFailure)
    // Dumps and their storage
    case invalidStorage(String)
    /// A store could not be read or written; `reason` is its own words (rclone's last line).
    case storageFailed(location: String, reason: String)
    case noSuchDump(String)
    case badManifest(key: String)
    /// pg_dump failed; nothing was stored.
    case dumpFailed(reason: String)
    /// pg_restore failed, with its own error lines.
    case restoreFailed(status: String, errors: [String])
    /// The bytes read differ from what the manifest says was written.
    case checksumMismatch(key: String, expected: String, found: String)
    case hookFailed(stage: String, command: String, reason: String)
    /// The project's configuration says `allow_restore = false`.
    case restoreNotAllowed(database: String)
    case invalidConfiguration(path: String, reason: String)
    case unknownConfiguration(String, path: String?)

    /// What odb was not permitted to do.
    public enum Action: Equatable, Sendable {
        case createDatabase(String)
        case createControlDatabase(String)
        case alterDatabase(String)
        case endSession(database: String, Session)
    }

    /// Why a database cannot be a control database.
    public enum ControlProblem: Equatable, Sendable {
        /// `postgres`, `template0` or `template1`.
        case postgresOwn
        /// It holds tables, views, sequences or functions.
        case holdsObjects
        /// Another control database tracks it (it may be empty only because it is new).
        case tracked(by: String)
        /// Databases named as odb names those it makes for a tracked database are named after it.
        case revisionDatabases(String)
        /// Named like the databases odb makes (`NAME*3`, `NAME*3-spare`, …).
        case odbName
    }

    /// Why a name cannot be a database odb tracks, or a tag.
    public enum NameProblem: Equatable, Sendable {
        case empty
        /// Longer than PostgreSQL's 63 bytes (databases) or 200 characters (tags).
        case tooLong
        case nul
        case controlCharacters
        case leadingDash
        case surroundingSpace
        /// A tag that is a number would hide the revision of that number.
        case number
        /// `tip` always means the newest revision.
        case tip
        /// `@N` names hidden state N.
        case hiddenMarker
        case controlDatabase
        case template
        case madeByOdb
        /// A checkout (`odb checkout --as`) of another tracked database.
        case checkout(of: String)
        /// Named like the databases odb makes (`NAME*3`, `NAME*3-spare`, `NAME*odb-new`).
        case odbName
    }
}

extension OdbError {
    /// The error for a statement that failed because the server went away mid-command
    /// (restarted, crashed, or the session ended by an administrator), or because a signal
    /// cancelled it; nil for any other error.
    public init?(_ error: PostgresError) {
        if error.sqlState == .queryCanceled, let signal = Interruption.shared.signal {
            self = .interrupted(signal: signal)
            return
        }
        let lost =
            error.sqlState == .connectionFailure || error.sqlState?.errorClass == "08"
            || error.sqlState?.rawValue.hasPrefix("57P") == true
        guard lost else { return nil }
        self = .connectionLost(reason: error.message)
    }

    /// Any error a library call threw, as odb's own when it is one: a lost connection or an
    /// interruption is recognised here, by SQLSTATE, never by the server's words.
    public static func from(_ error: any Error) -> (any Error) {
        if let signal = Interruption.shared.signal, !(error is OdbError) { return OdbError.interrupted(signal: signal) }
        if let error = error as? PostgresError, let known = OdbError(error) { return known }
        return error
    }
}

extension PostgresError: Equatable {
    public static func == (lhs: PostgresError, rhs: PostgresError) -> Bool {
        lhs.sqlState == rhs.sqlState && lhs.message == rhs.message && lhs.detail == rhs.detail && lhs.hint == rhs.hint
    }
}
