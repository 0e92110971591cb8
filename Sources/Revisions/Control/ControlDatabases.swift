/// The control databases of a server, seen from one of them. odb marks each control database it
/// makes with a comment (`ControlSchema.mark`, in `pg_shdescription`, which every role may read),
/// so that one finds the others: a database two control databases track would have each drop the
/// other's revisions, and a database one tracks must never become another's control database.
extension Connection {
    /// The marked control databases this role may connect to, then `also` (those it may use
    /// without a mark: the project's, `odb`), other than the one this connection is to.
    func otherControlDatabases(also: [String]) throws -> [String] {
        let marked = try query(
            """
            SELECT datname FROM pg_database
            WHERE shobj_description(oid, 'pg_database') = \(ControlSchema.mark) AND datallowconn
              AND has_database_privilege(oid, 'CONNECT') AND datname <> current_database()
            ORDER BY datname
            """
        ).map { try $0.string("datname") }
        var names: [String] = []
        for name in marked + also where name != database && !names.contains(name) { names.append(name) }
        return names
    }

    /// Whether `name` bears the mark of a control database, whoever may read it.
    func isMarkedControlDatabase(_ name: String) throws -> Bool {
        try !query(
            "SELECT 1 FROM pg_database WHERE datname = \(name) AND shobj_description(oid, 'pg_database') = \(ControlSchema.mark)"
        ).isEmpty
    }

    /// The first other control database (see `otherControlDatabases(also:)`) that tracks
    /// `tracked`, asked through a connection of its own; one this role cannot read (another
    /// role's, not odb's after all, gone) is passed over.
    func controlDatabase(tracking tracked: String, also: [String]) throws -> String? {
        for name in try otherControlDatabases(also: also) {
            guard let other = try? sibling(database: name) else { continue }
            do {
                if try TrackedDatabase.mentions(tracked, on: other) { return name }
            } catch {
                // No schema odb, not this role's to read, or dropped meanwhile: not one to ask.
                if case OdbError.interrupted = OdbError.from(error) { throw error }
            }
        }
        return nil
    }

    /// The databases on the server named as odb names those it makes for `database`: revisions,
    /// spares, a revert's replacement, replaced working databases, whichever control database
    /// made them.
    func databasesNamedAfter(_ database: String) throws -> [String] {
        try query("SELECT datname FROM pg_database WHERE strpos(datname, '*') > 0 ORDER BY datname")
            .map { try $0.string("datname") }.filter { Names.isOdbMade($0, for: database) }
    }
}
