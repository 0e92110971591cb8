import Foundation

/// A restored revision whose database is still to be loaded from its dump (`odb.pending`).
///
/// A restore that runs no pre-swap hook, with a background worker, does not copy the restored
/// state before its swap: the dump it came from holds that state already. It records the revision
/// without a database, and this row; the worker loads the dump again into the revision's database
/// after the command has returned (`Repository.loadPendingRevisions`). Until then the revision
/// behaves as a purged one, except that a command that needs it waits for the worker.
struct PendingRevision: Sendable {
    let number: Int
    /// The store, as `Store.absoluteLocation` names it.
    let store: String
    let manifest: Manifest
    let keepOwners: Bool
    let ignoreErrors: Bool
    /// Why the last load failed; nil before any failed.
    var failure: String? = nil
}

/// The pending revisions of one tracked database.
struct PendingRevisions {
    let connection: Connection
    let database: String

    func add(_ pending: PendingRevision) throws {
        let manifest = String(decoding: try pending.manifest.encoded(), as: UTF8.self)
        try connection.query(
            """
            INSERT INTO odb.pending (database, number, store, manifest, keep_owners, ignore_errors)
            VALUES (\(database), \(pending.number), \(pending.store), \(manifest)::jsonb, \(pending.keepOwners),
                    \(pending.ignoreErrors))
            """)
    }

    /// Every pending revision, oldest first.
    func all() throws -> [PendingRevision] {
        try connection.query(
            """
            SELECT number, store, manifest::text AS manifest, keep_owners, ignore_errors, failure FROM odb.pending
            WHERE database = \(database) ORDER BY number
            """
        ).map { row in
            PendingRevision(
                number: try row.int("number"), store: try row.string("store"),
                manifest: try Manifest.decoded(Array(try row.string("manifest").utf8), key: "odb.pending"),
                keepOwners: try row.bool("keep_owners"), ignoreErrors: try row.bool("ignore_errors"),
                failure: try row.optionalString("failure"))
        }
    }

    /// Revision `number`, when it is pending.
    func pending(_ number: Int) throws -> PendingRevision? {
        try all().first { $0.number == number }
    }

    /// Whether a load is due: a pending revision not in `tried` (a failed one is tried again by
    /// the next worker a command starts, not in a loop).
    func due(besides tried: Set<Int>) throws -> Bool {
        try all().contains { !tried.contains($0.number) }
    }

    func recordFailure(_ number: Int, _ failure: String) throws {
        try connection.query(
            "UPDATE odb.pending SET failure = \(failure) WHERE database = \(database) AND number = \(number)")
    }

    /// Inside the caller's transaction: gives revision `number` its loaded database `name` and
    /// forgets that it was pending; false when it no longer is (purged or untracked meanwhile).
    func finish(_ number: Int, as name: String, size: Int64) throws -> Bool {
        let finished = try connection.query(
            """
            WITH done AS (DELETE FROM odb.pending WHERE database = \(database) AND number = \(number) RETURNING number)
            UPDATE odb.revisions r SET dbname = \(name), size = \(size) FROM done
            WHERE r.database = \(database) AND r.number = done.number AND r.dbname IS NULL
            RETURNING r.number
            """)
        return !finished.isEmpty
    }

    /// Forgets that revision `number` is pending (a purge of it).
    func remove(_ number: Int) throws {
        try connection.query("DELETE FROM odb.pending WHERE database = \(database) AND number = \(number)")
    }
}
