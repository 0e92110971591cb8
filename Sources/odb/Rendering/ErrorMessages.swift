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
            "lost the connection to the server mid-command (\(reason)): it restarted, or its session was ended; "
                + "the next odb command finishes or undoes what was half done and says so, so running this one again is safe"
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
        case .unsupportedServer(let version, let server):
            "\(server) runs PostgreSQL \(version), and odb supports PostgreSQL \(SupportedVersions.oldest) to \(SupportedVersions.newest); upgrade the server or use another"
        case .clusterVersionMismatch(let path, let cluster, let programs, let binDirectory):
            "the embedded cluster at \(path) was made by PostgreSQL \(cluster), but the programs in \(binDirectory) are PostgreSQL \(programs), and a cluster's major version cannot change without pg_upgrade; set ODB_PG_BINDIR to PostgreSQL \(cluster)'s programs, or move the cluster aside to make a new one"
        case .noControlDatabase(let name, let server):
            "no odb control database '\(name)' on \(server); run 'odb init DB' to start tracking a database there, or give --control-db"
        case .notAControlDatabase(let name, let reason):
            "'\(name)' is not an odb control database: \(reason.text); give --control-db a database odb made, or a new name for odb to create"
        case .controlSchemaTooNew(let found, let supported):
            "the control database was set up by a newer odb (schema \(found), this odb knows \(supported)); upgrade odb"
        case .unknownOperation(let database, let kind):
            "a newer odb left an unfinished '\(kind)' on '\(database)'; finish it with that odb"
        case .notPermitted(.endSession(let database, let session), let reason):
            "not permitted to \(OdbError.Action.endSession(database: database, session).text): \(reason); ending another role's sessions needs pg_signal_backend (GRANT pg_signal_backend TO your role, as a superuser), or close them yourself and use --no-terminate"
        case .notPermitted(let action, let reason):
            "not permitted to \(action.text): \(reason); connect as a role that may (a superuser, or one with CREATEDB that owns the database)"
        case .interrupted(let signal):
            "interrupted by \(signalName(signal)): odb stopped cleanly and undid what it had begun; the working database is whole and accepts connections ('odb info' says where it stands)"
        case .controlNotPermitted(let role, let database):
            "the role '\(role)' may not use odb's control database '\(database)' (schema odb, set up by another role); as its owner or a superuser, run in '\(database)': GRANT USAGE ON SCHEMA odb TO \(role); GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA odb TO \(role); or give this role its own with --control-db NAME"
        case .configCorrupt(let path):
            "\(path) is corrupt (not odb's JSON); fix it or move it aside, then run 'odb init DB' again"
        case .nothingTracked(let directory):
            "nothing is tracked here (no .odb/ in \(directory) or above); run 'odb init DB' to start, or give --url for another server"
        case .clusterMissing(let path, let database):
            "this project tracks '\(database)' but its embedded cluster is not at \(path) (was the folder moved?); set ODB_CLUSTER_DIR to the cluster's folder, or run 'odb init \(database)' to start anew"
        case .workingDatabaseMissing(let database):
            "the working database '\(database)' is missing (renamed or dropped by hand?); 'odb revert' recreates it from its parent, 'odb untrack \(database)' forgets it"
        case .tagPurged(let name, let revision):
            "cannot tag revision \(revision) as '\(name)': it was purged, and a tag exists to keep a revision"
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
        case .unknownRevision(let text) where text.hasPrefix("@"):
            "no hidden state '\(text)' (or it was dropped by retention); 'odb log --all' lists hidden states"
        case .unknownRevision(let text):
            "no revision or tag '\(text)'; 'odb log' lists revisions and 'odb tags' lists tags"
        case .notACheckout(let name, let database):
            "'\(name)' is not a checkout of '\(database)'; 'odb checkout --list' lists them"
        case .notAnAncestor(let good, let bad):
            "\(good) is not an ancestor of \(bad) (bisect follows first parents back from --bad); 'odb log -G' draws the history"
        case .queryFailed(let state, let reason):
            "the query failed on \(state): \(reason); it runs read-only, as one statement"
        case .nothingCommitted:
            "nothing has been committed yet; run 'odb commit' first"
        case .revisionPurged(let number) where number < 0:
            "hidden state @\(-number) was dropped (by retention or odb gc) and its database no longer exists"
        case .revisionPurged(let number):
            "revision \(number) was purged and its database no longer exists"
        case .revisionNotLoaded(let number, let key, let failure?):
            "revision \(number) is not loaded from \(key) yet: the background worker's last try failed (\(failure)); "
                + "run 'odb maintain' to try again"
        case .revisionNotLoaded(let number, let key, nil):
            "revision \(number) is not loaded from \(key) yet and no background worker is at it; run 'odb maintain' to load it"
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
        case .trackedElsewhere(let database, let revision):
            "'\(database)' seems to be tracked by another odb control database on this server (its revision database '\(revision)' is not this one's); use that control database (--control-db), or untrack it there first"
        case .trackedByAnother(let database, let control):
            "'\(database)' is tracked by the control database '\(control)' on this server, and two would drop each other's revisions; use that one (--control-db \(control)), or run 'odb untrack \(database)' there first"
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
        case .replicationInUse(let database, let subscriptions, let slots):
            "'\(database)' takes part in logical replication (\((subscriptions.map { "subscription \($0)" } + slots.map { "slot \($0)" }).joined(separator: ", "))): replacing it would leave them on the old database; drop them first (ALTER SUBSCRIPTION … DISABLE, SET (slot_name = NONE), DROP SUBSCRIPTION; pg_drop_replication_slot), then revert, then set them up again"
        case .replicationKeeps(let replication):
            "\(Text.replicationKeeps(replication)); then run the command again"
        case .protected(let database):
            "'\(database)' is protected; run 'odb protect --off' first if you really mean it"
        case .notEnoughSpace(let source, let needed, let free, let path, let odbHolds):
            "not enough disk space to copy '\(source)': it needs about \(Text.bytes(needed)) and \(path ?? "the server") has \(free > 0 ? Text.bytes(free) : "none") free; "
                + spaceAdvice(odbHolds)
        case .preparedTransactions(let database, let gids):
            "'\(database)' has \(Text.count(gids.count, "prepared transaction")) (\(gids.map { "'\($0)'" }.joined(separator: ", "))): a transaction of two-phase commit that holds the database open, which ending sessions cannot end; finish it with COMMIT PREPARED '\(gids[0])' or ROLLBACK PREPARED '\(gids[0])' (see pg_prepared_xacts), then run the command again"
        case .copyFailed(let source, let target, let error):
            "could not copy '\(source)' to '\(target)': \(error.description)"
        case .migrationFolderMissing(let path):
            "no migrations folder '\(path)'; give one ('odb migrate DIR') or name it in odb.toml ([migrate] folder = \"…\")"
        case .invalidSetting(let file, let key):
            "\(file): '\(key)' must be a quoted, non-empty string without escapes"
        case .strayPatchFile(let file):
            "'\(file)' looks like a patch but is not named patch-MAJOR-MINOR-POINT-TYPE.sql (TYPE: std, direct or concurrent); rename or move it"
        case .duplicatePatch(let number, let files):
            "two patches have the number \(number) (\(files.joined(separator: ", "))); renumber one"
        case .patchUnreadable(let file):
            "cannot read the patch '\(file)'; check its permissions"
        case .patchUnparsable(let file, let line, let reason):
            "\(file), line \(line): \(reason); nothing was run, fix the patch and try again"
        case .patchesChanged(let files):
            "applied patches have changed since (\(files.joined(separator: ", "))); put them back as they were, or run 'odb migrate --accept-changed' to record their new contents without running them"
        case .migrationUnfinished(let file, let guardRevision, let indexes):
            "the concurrent patch \(file) did not run to its end"
                + (indexes.isEmpty ? "" : " and left invalid indexes (\(indexes.joined(separator: ", ")))")
                + (guardRevision.map { "; go back to before the migration with 'odb revert \($0)', or" } ?? ";")
                + " finish it by hand (drop what it half made) and DELETE its row from odb.patches, then run 'odb migrate' again"
        case .patchFailed(let failure):
            failure.text
        case .invalidStorage(let location):
            "'\(location)' is not a storage location; give a folder, s3://bucket/prefix or an rclone remote:path"
        case .storageFailed(let location, let reason):
            "storage \(location) failed: \(reason)"
        case .noSuchDump(let argument):
            "no finished dump matches '\(argument)'; 'odb ls' lists them"
        case .badManifest(let key):
            "the manifest \(key) cannot be read; it was not written by odb, or was changed"
        case .dumpFailed(let reason):
            "the dump failed, and nothing was stored: \(reason)"
        case .restoreFailed(let status, let errors):
            "pg_restore failed (\(status)); the working database is unchanged: \(errors.prefix(3).joined(separator: " / "))\(errors.count > 3 ? " (and \(errors.count - 3) more)" : "")"
        case .checksumMismatch(let key, let expected, let found):
            "the bytes of \(key) do not match its manifest (sha256 \(found.prefix(12))…, expected \(expected.prefix(12))…); nothing was restored"
        case .hookFailed(let stage, let command, let reason):
            "the \(stage) hook '\(command)' failed (\(reason)); nothing was changed"
        case .restoreNotAllowed(let database):
            "the project's odb.toml says allow_restore = false; '\(database)' was left as it was"
        case .invalidConfiguration(let path, let reason):
            "\(path) cannot be read: \(reason)"
        case .unknownConfiguration(let name, let path):
            "no configuration '\(name)' in \(path ?? "odb.toml (there is none)"); name one its tables define"
        }
    }
}

extension PatchFailure {
    /// The file, the line and the server's words, then what became of the database.
    var text: String {
        var text = "\(file), line \(line): \(message)"
        if !invalidIndexes.isEmpty { text += "; it left invalid indexes (\(invalidIndexes.joined(separator: ", ")))" }
        func list(_ files: [String]) -> String { files.isEmpty ? "none" : files.joined(separator: ", ") }
        switch undo {
        case .reverted(let guardRevision, let undone):
            text +=
                "; reverted to revision \(guardRevision), committed before the migration"
                + (undone.isEmpty ? ": nothing else was applied" : ", undoing \(list(undone))")
        case .protected(let guardRevision, let applied):
            text +=
                "; the database is protected, so odb did not revert it (applied before the failure: \(list(applied))); "
                + "to undo them: 'odb protect --off' then 'odb revert \(guardRevision)'"
        case .revertFailed(let guardRevision, let applied, let reason):
            text +=
                "; reverting to revision \(guardRevision) failed (\(reason)), so \(list(applied)) stay applied; "
                + "run 'odb revert \(guardRevision)'"
        case .unguarded(let applied):
            text += "; without a guard the patches before it stay applied: \(list(applied))"
        case .dryRun:
            text += "; a dry run: everything was rolled back"
        }
        return text
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

extension OdbError.ControlProblem {
    var text: String {
        switch self {
        case .postgresOwn: "it is PostgreSQL's own"
        case .holdsObjects: "it holds other objects"
        case .tracked(let control): "it is tracked by the control database '\(control)'"
        case .revisionDatabases(let made): "it has revision databases ('\(made)'), made by another control database"
        case .odbName: "it is named like the databases odb makes (NAME*3, NAME*3-spare, NAME*odb-new)"
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
        case .hiddenMarker: "'@N' names a hidden state (a working database a revert kept)"
        case .controlDatabase: "it is an odb control database"
        case .template: "it is the template every CREATE DATABASE starts from"
        case .madeByOdb: "it is a database odb made for a revision"
        case .checkout(let database): "it is a checkout of '\(database)'; 'odb checkout --drop' drops it"
        case .odbName: "it is named like the databases odb makes for revisions (NAME*3, NAME*3-spare, NAME*odb-new)"
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

extension Text {
    /// `odb exec` could not start the command.
    static func cannotRun(_ command: String, _ reason: String) -> String {
        "cannot run \(oneLine(command)): \(reason)"
    }

    /// `odb url` with nothing tracked: what it prints instead, said on stderr.
    static let untrackedURL =
        "odb: no database is tracked here; this is the server's postgres database ('odb init DB' tracks one)"

    /// A command that is not odb's, with the closest that is.
    static func unknownCommand(_ name: String, closest: String?) -> String {
        "odb: '\(oneLine(name))' is not an odb command" + (closest.map { "; did you mean 'odb \($0)'?" } ?? "")
            + " (see 'odb help')"
    }
}

/// What to do when a copy would not fit: purge only when odb's own databases hold something.
func spaceAdvice(_ odbHolds: Int64?) -> String {
    switch odbHolds {
    case 0?:
        "odb holds no revisions on that disk, so purging would not help: free some space on the server's disk"
    case let held?:
        "odb's revisions, spares and hidden states there take \(Text.bytes(held)) ('odb du' lists them; "
            + "'odb purge' or 'odb gc' removes them), or free some space"
    case nil:
        "purge old revisions ('odb purge', 'odb gc'; 'odb du' shows what they take) or free some space"
    }
}
