/// Checkouts: a connectable, writable copy of a revision under a name of the user's, beside the
/// working database, which it never replaces.
extension Repository {
    /// Copies revision `target` to a new database `name`: a ready spare of it is renamed (no copy
    /// at all; the background worker builds another), else the revision is copied (a clone where
    /// the server can). The copy gets the revision's owner, grants and settings.
    ///
    /// Listed in `odb.checkouts` before it is made: killed before the copy ends, the listing names
    /// a database that does not exist, which `checkouts()` forgets.
    public func checkout(_ target: RevisionArgument, as name: String) throws -> Checkout {
        try Names.validateDatabase(name)
        if Names.isOdbMade(name) { throw OdbError.invalidDatabaseName(name, reason: .odbName) }
        return try changing { state in
            let number = try resolve(target, parent: state.parent)
            let source = try revisionDatabase(number)
            guard let recorded = try records.record(number)?.properties else { throw OdbError.unknownRevision(String(number)) }
            if try databaseExists(name) || TrackedDatabase(connection: connection, database: name).state() != nil {
                throw OdbError.nameTaken(database: name)
            }
            let checkouts = CheckoutRecords(connection: connection, database: database)
            try checkouts.add(name, revision: number)
            do {
                try reached(.checkoutRecorded)
                if let spare = try spareRecords.ready(number) {
                    try connection.transaction {
                        try connection.query("ALTER DATABASE \(identifier: spare) RENAME TO \(identifier: name)")
                        try spareRecords.forgetSwappedIn(spare)
                    }
                    events(.usedSpare(number: number, database: spare))
                } else {
                    try copy(from: source, to: name, frozen: false)
                }
                try connection.transaction {
                    try restore(recorded, on: name)
                    try connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE false ALLOW_CONNECTIONS true")
                }
            } catch {
                if try !databaseExists(name) { try? checkouts.remove(name) }
                throw error
            }
            return try checkouts.list().first { $0.name == name }
                ?? Checkout(name: name, revision: number, created: "", size: nil)
        }
    }

    /// This database's checkouts; those whose database is gone (dropped by hand, or a checkout
    /// interrupted before its copy) are forgotten first.
    public func checkouts() throws -> [Checkout] {
        let records = CheckoutRecords(connection: connection, database: database)
        let all = try records.list()
        for gone in all where gone.size == nil { try records.remove(gone.name) }
        return all.filter { $0.size != nil }
    }

    /// Drops checkout `name`, ending its sessions: listed as discarded and forgotten in one
    /// transaction, then dropped, as purge does.
    public func dropCheckout(_ name: String) throws {
        try changing { _ in
            let records = CheckoutRecords(connection: connection, database: database)
            guard try CheckoutRecords.owner(of: name, on: connection) == database else {
                throw OdbError.notACheckout(name, of: database)
            }
            try connection.transaction {
                try records.remove(name)
                try discarded.add(name)
            }
        }
        try dropDiscarded()
    }
}
