/// Tags: names for revisions.
extension Repository {
    /// Tags a revision (default: the working database's parent).
    public func tag(_ name: String, revision: RevisionArgument?) throws -> Tag {
        try tag(name, revision: revision, moving: false).tag
    }

    /// Tags a revision that still has its database, in one statement that takes no lock on the
    /// database (so it never waits for another odb or the background worker); with `moving`, a
    /// tag of that name moves (`tag -f`). Returns the revision the name marked before, if any.
    public func tag(_ name: String, revision: RevisionArgument?, moving: Bool) throws -> (tag: Tag, previous: Int?) {
        try Names.validateTag(name)
        // What an odb that is gone left is repaired first, as under the lock, but without waiting
        // for one at work: the statement below needs no lock.
        try recoverAbandoned()
        let parent = try state().parent
        let number = try resolve(revision ?? .number(parent), parent: parent)
        let outcome = try tagRecords.add(name, number: number, moving: moving)
        if !outcome.alive { throw OdbError.tagPurged(name, revision: number) }
        if !outcome.written, let previous = outcome.previous { throw OdbError.tagExists(name, revision: previous) }
        return (Tag(name: name, revision: number), outcome.previous)
    }

    /// Deletes a tag: one statement, so it takes no lock and never waits.
    public func deleteTag(_ name: String) throws -> Tag {
        try recoverAbandoned()
        guard let number = try tagRecords.delete(name) else { throw OdbError.unknownTag(name) }
        return Tag(name: name, revision: number)
    }

    public func tags() throws -> [Tag] { try tagRecords.all() }
}

/// Protection: the production guard.
extension Repository {
    /// Marks the database protected (revert and purge refuse to touch it), or not.
    public func protect(_ on: Bool) throws {
        try changing { _ in try tracking.setProtected(on) }
    }
}
