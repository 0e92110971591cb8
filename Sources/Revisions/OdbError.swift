/// Everything odb refuses or fails at, each said in one line: what went wrong and what to do.
public enum OdbError: Error, Equatable, Sendable, CustomStringConvertible {
    case programMissing(String)
    case cannotConnect(server: String, reason: String)
    case clusterDamaged(path: String, reason: String)
    case clusterUnreachable(user: String, path: String)
    case clusterStartFailed(reason: String, log: String)
    case clusterNotInitialized(path: String)
    case notWritable(path: String, reason: String)
    case portsExhausted(ClosedRange<Int>)
    case userMissing(String)
    case emptyURL(source: String)
    case noCurrentDatabase
    case notTracked(database: String)
    case databaseMissing(database: String)
    case invalidDatabaseName(String, reason: String)
    case invalidRevision(String)
    case unknownRevision(String)
    case revisionPurged(Int)
    case revisionDatabaseMissing(number: Int, database: String)
    case invalidTagName(String, reason: String)
    case tagExists(String, revision: Int)
    case unknownTag(String)
    case nameTaken(database: String)
    case busy(database: String, holder: String)
    case connectionsOpen(database: String, sessions: String)
    case sessionsDidNotEnd(database: String, sessions: String)
    case confirmationRequired(String)
    case protected(database: String)
    case controlSchemaTooNew(found: Int, supported: Int)
    case notPermitted(action: String, reason: String)
    case invalidSpareCount(Int)
    case invalidMessage
    case connectionLost(reason: String)
    case revisionInUse(database: String, sessions: String)
    case noControlDatabase(name: String, server: String)
    case notEnoughSpace(copying: String, needed: String, free: String, path: String)
    case server(action: String, error: String)
    case unsupportedServer(version: String, server: String)
    case clusterVersionMismatch(path: String, cluster: String, programs: String, binDirectory: String)

    public var description: String {
        switch self {
        case .programMissing(let program):
            "\(program) not found: install PostgreSQL's server programs (apt-get install postgresql) or set ODB_PG_BINDIR to their folder"
        case .cannotConnect(let server, let reason):
            "cannot connect to \(server): \(reason)"
        case .clusterDamaged(let path, let reason):
            "the embedded cluster at \(path) is damaged (\(reason)); move it aside and run the command again to make a new one"
        case .clusterUnreachable(let user, let path):
            "the PostgreSQL user '\(user)' cannot reach \(path); move the project somewhere it can reach (e.g. /srv or /tmp) or set ODB_CLUSTER_DIR"
        case .clusterStartFailed(let reason, let log):
            "the embedded PostgreSQL server did not start: \(reason) (log: \(log))"
        case .clusterNotInitialized(let path):
            "no embedded cluster at \(path) yet; run 'odb server start' to create one"
        case .notWritable(let path, let reason):
            "cannot write to \(path): \(reason); fix its permissions or run odb from another folder"
        case .portsExhausted(let range):
            "no free port in \(range.lowerBound)–\(range.upperBound) for the embedded server; stop another server or set ODB_PORT"
        case .userMissing(let user):
            "odb runs as root, and PostgreSQL must run as an unprivileged user, but there is no user '\(user)'; create it or set ODB_CLUSTER_USER"
        case .emptyURL(let source):
            "\(source) is empty; give a connection URL such as postgresql://user@host/postgres, or leave it unset"
        case .noCurrentDatabase:
            "no database is tracked here; run 'odb init DB' first, or pick one with -d DB"
        case .notTracked(let database):
            "database '\(database)' is not tracked; run 'odb init \(database)' first"
        case .databaseMissing(let database):
            "database '\(database)' does not exist; create it, or run 'odb init \(database) --create'"
        case .invalidDatabaseName(let name, let reason):
            "'\(name)' cannot be a database name: \(reason)"
        case .invalidRevision(let text):
            "'\(text)' is not a revision: give a revision number (1, 2, …) or a tag"
        case .unknownRevision(let text):
            "no revision or tag '\(text)'; 'odb log' lists revisions and 'odb tags' lists tags"
        case .revisionPurged(let number):
            "revision \(number) was purged and its database no longer exists"
        case .revisionDatabaseMissing(let number, let database):
            "the database '\(database)' of revision \(number) is gone (dropped by hand?); revert to another revision"
        case .invalidTagName(let name, let reason):
            "'\(name)' cannot be a tag: \(reason)"
        case .tagExists(let name, let revision):
            "tag '\(name)' already marks revision \(revision); delete it first with 'odb tag -d \(name)'"
        case .unknownTag(let name):
            "no tag '\(name)'; 'odb tags' lists them"
        case .nameTaken(let database):
            "a database '\(database)' already exists and odb did not make it; rename or drop it, then try again"
        case .busy(let database, let holder):
            "another odb (\(holder)) is working on '\(database)'; wait for it to finish and try again"
        case .connectionsOpen(let database, let sessions):
            "'\(database)' has open connections (\(sessions)); close them, or drop --no-terminate to let odb end them"
        case .sessionsDidNotEnd(let database, let sessions):
            "connections to '\(database)' did not end in time (\(sessions)); nothing was changed, try again"
        case .confirmationRequired(let what):
            "\(what) needs confirmation: add -y (there is no terminal to ask on)"
        case .protected(let database):
            "'\(database)' is protected; run 'odb protect --off' first if you really mean it"
        case .controlSchemaTooNew(let found, let supported):
            "the control database was set up by a newer odb (schema \(found), this odb knows \(supported)); upgrade odb"
        case .notPermitted(let action, let reason):
            "not permitted to \(action): \(reason); connect as a role that may (a superuser, or one with CREATEDB that owns the database)"
        case .revisionInUse(let database, let sessions):
            "the revision database '\(database)' is open (\(sessions)), so PostgreSQL cannot copy it; odb never ends those sessions: close them, and make it read-only again with ALTER DATABASE … ALLOW_CONNECTIONS false"
        case .connectionLost(let reason):
            "lost the connection to the server (\(reason)); run the command again: odb finishes or undoes what was interrupted"
        case .invalidMessage:
            "a message cannot hold a NUL character; PostgreSQL's text cannot store it"
        case .noControlDatabase(let name, let server):
            "no odb control database '\(name)' on \(server); run 'odb init DB' to start tracking a database there, or give --control-db"
        case .invalidSpareCount(let count):
            "cannot keep \(count) spares: give a number from 0 (no spares) to 100"
        case .notEnoughSpace(let source, let needed, let free, let path):
            "not enough disk space to copy '\(source)': it needs about \(needed) and \(path) has \(free) free; purge old revisions ('odb purge') or free some space"
        case .server(let action, let error):
            "could not \(action): \(error)"
        case .unsupportedServer(let version, let server):
            "\(server) runs PostgreSQL \(version), and odb supports PostgreSQL \(SupportedVersions.oldest) to \(SupportedVersions.newest); upgrade the server or use another"
        case .clusterVersionMismatch(let path, let cluster, let programs, let binDirectory):
            "the embedded cluster at \(path) was made by PostgreSQL \(cluster), but the programs in \(binDirectory) are PostgreSQL \(programs), and a cluster's major version cannot change without pg_upgrade; set ODB_PG_BINDIR to PostgreSQL \(cluster)'s programs, or move the cluster aside to make a new one"
        }
    }
}

extension OdbError {
    /// The error for a server that went away mid-command (restarted, crashed, or the session
    /// ended by an administrator); nil for any other error.
    public init?(lostConnection error: PostgresError) {
        let lost =
            error.sqlState == .connectionFailure || error.sqlState?.errorClass == "08"
            || error.sqlState?.rawValue.hasPrefix("57P") == true
        guard lost else { return nil }
        self = .connectionLost(reason: error.message)
    }
}
