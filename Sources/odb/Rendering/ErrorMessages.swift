import Foundation
import Revisions

/// odb's errors for people: one line each, saying what went wrong and what to do. The hints that
/// name commands and flags live here, beside the commands they name, not in the library.
extension OdbError {
    var message: String {
        switch self {
        case .programMissing(let program):
            "\(program) not found: install PostgreSQL's server programs (apt-get install postgresql) or set ODB_PG_BINDIR to their folder"
        case .cannotConnect(let server, let reason):
            "cannot connect to \(server): \(reason)"
        case .connectionLost(let reason):
            "lost the connection to the server (\(reason)); run the command again: odb finishes or undoes what was interrupted"
        case .clusterDamaged(let path, let reason):
            "the embedded cluster at \(path) is damaged (\(reason)); move it aside and run the command again to make a new one"
        case .clusterUnreachable(let user, let path):
            "the PostgreSQL user '\(user)' cannot reach \(path); move the project somewhere it can reach (e.g. /srv or /tmp) or set ODB_CLUSTER_DIR"
        case .clusterStartFailed(let reason, let log):
            "the embedded PostgreSQL server did not start: \(reason) (log: \(log))"
        case .clusterRunningWithoutTCP(let port):
            "the embedded cluster is running on port \(port) without TCP, and turning it on needs a restart: run odb server stop, then odb server start --tcp"
        case .notWritable(let path, let reason):
            "cannot write to \(path): \(reason); fix its permissions or run odb from another folder"
        case .portsExhausted(let range):
            "no free port in \(range.lowerBound)–\(range.upperBound) for the embedded server; stop a server that uses one"
        case .userMissing(let user):
            "odb runs as root, and PostgreSQL must run as an unprivileged user, but there is no user '\(user)'; create it (Debian's postgresql package does)"
        case .emptyURL(let source):
            "\(source) is empty; give a connection URL such as postgresql://user@host/postgres, or leave it unset"
        case .noControlDatabase(let name, let server):
            "no odb control database '\(name)' on \(server); run 'odb init DB' to start tracking a database there, or give --control-db"
        case .controlSchemaTooNew(let found, let supported):
            "the control database was set up by a newer odb (schema \(found), this odb knows \(supported)); upgrade odb"
        case .unknownOperation(let database, let kind):
            "a newer odb left an unfinished '\(kind)' on '\(database)'; finish it with that odb"
        case .notPermitted(let action, let reason):
            "not permitted to \(action.text): \(reason); connect as a role that may (a superuser, or one with CREATEDB that owns the database)"
        case .interrupted(let signal):
            "interrupted by \(signalName(signal)): odb stopped cleanly and undid what it had begun; the working database is whole and accepts connections ('odb info' says where it stands)"
        case .noCurrentDatabase:
            "no database is tracked here; run 'odb init DB' first, or pick one with -d DB"
        case .notTracked(let database):
            "database '\(database)' is not tracked; run 'odb init \(database)' first"
        case .databaseMissing(let database):
            "database '\(database)' does not exist; create it, or run 'odb init \(database) --create'"
        case .invalidDatabaseName(let name, let reason):
            "'\(name)' cannot be a database name: \(reason.text(tag: false))"
        case .invalidRevision(let text):
            "'\(text)' is not a revision: give a revision number (1, 2, …) or a tag"
        case .unknownRevision(let text):
            "no revision or tag '\(text)'; 'odb log' lists revisions and 'odb tags' lists tags"
        case .nothingCommitted:
            "no revision or tag '0: nothing has been committed yet'; 'odb log' lists revisions and 'odb tags' lists tags"
        case .revisionPurged(let number):
            "revision \(number) was purged and its database no longer exists"
        case .revisionDatabaseMissing(let number, let database):
            "the database '\(database)' of revision \(number) is gone (dropped by hand?); revert to another revision"
        case .invalidTagName(let name, let reason):
            "'\(name)' cannot be a tag: \(reason.text(tag: true))"
        case .tagExists(let name, let revision):
            "tag '\(name)' already marks revision \(revision); delete it first with 'odb tag -d \(name)'"
        case .unknownTag(let name):
            "no tag '\(name)'; 'odb tags' lists them"
        case .invalidSpareCount(let count):
            "cannot keep \(count) spares: give a number from 0 (no spares) to 100"
        case .invalidMessage:
            "a message cannot hold a NUL character; PostgreSQL's text cannot store it"
        case .confirmationRequired(let what):
            "\(what) needs confirmation: add -y (there is no terminal to ask on)"
        case .nameTaken(let database):
            "a database '\(database)' already exists and odb did not make it; rename or drop it, then try again"
        case .busy(let database, let holder):
            "another odb (\(holder.map(describeHolder) ?? "another session")) is working on '\(database)'; wait for it to finish and try again"
        case .connectionsOpen(let database, let sessions):
            "'\(database)' has open connections (\(describe(sessions))); close them, or drop --no-terminate to let odb end them"
        case .sessionsDidNotEnd(let database, let sessions):
            "connections to '\(database)' did not end in time (\(describe(sessions))); nothing was changed, try again"
        case .databaseLocked(let database, let holders, let seconds):
            "waited \(seconds) s for a lock on '\(database)' held by \(holders.isEmpty ? "another session" : describe(holders)) (an open transaction that changed the database, such as ALTER DATABASE); commit or end it (pg_terminate_backend), then try again: nothing was changed"
        case .revisionInUse(let database, let detail):
            "the revision database '\(database)' is open (\(detail)), so PostgreSQL cannot copy it; odb never ends those sessions: close them, and make it read-only again with ALTER DATABASE … ALLOW_CONNECTIONS false"
        case .protected(let database):
            "'\(database)' is protected; run 'odb protect --off' first if you really mean it"
        case .notEnoughSpace(let source, let needed, let free, let path):
            "not enough disk space to copy '\(source)': it needs about \(Text.bytes(needed)) and \(path ?? "the server") has \(free > 0 ? Text.bytes(free) : "none") free; purge old revisions ('odb purge') or free some space"
        case .copyFailed(let source, let target, let error):
            "could not copy '\(source)' to '\(target)': \(error.description)"
        }
    }
}

extension OdbError.Action {
    var text: String {
        switch self {
        case .createDatabase(let name): "create database '\(name)'"
        case .createControlDatabase(let name): "create the control database '\(name)'"
        case .alterDatabase(let name): "change '\(name)'"
        case .endSession(let database, let session): "end the sessions on '\(database)' (\(session))"
        }
    }
}

extension OdbError.NameProblem {
    func text(tag: Bool) -> String {
        switch self {
        case .empty: "it is empty"
        case .tooLong: tag ? "it is longer than 200 characters" : "it is longer than PostgreSQL's 63 bytes"
        case .nul: "it holds a NUL character"
        case .controlCharacters: "it holds control characters"
        case .leadingDash: "it starts with a dash"
        case .surroundingSpace: "it starts or ends with white space"
        case .number: "a number would hide the revision of that number"
        case .tip: "'tip' always means the newest revision"
        case .controlDatabase: "it is odb's control database"
        case .template: "it is the template every CREATE DATABASE starts from"
        case .madeByOdb: "it is a database odb made for a revision"
        }
    }
}

/// Sessions for a message: at most five, then how many more.
func describe(_ sessions: [Session]) -> String {
    let shown = sessions.prefix(5).map(\.description).joined(separator: ", ")
    return sessions.count > 5 ? "\(shown) and \(sessions.count - 5) more" : shown
}

/// The session holding odb's lock, as the waiting message names it.
func describeHolder(_ session: Session) -> String { "\(session.user), backend pid \(session.pid)" }

func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGINT: "SIGINT"
    case SIGTERM: "SIGTERM"
    case SIGHUP: "SIGHUP"
    default: "signal \(signal)"
    }
}
