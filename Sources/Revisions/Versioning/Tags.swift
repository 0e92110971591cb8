/// Tags: names for revisions.
extension Repository {
    /// Tags a revision (default: the working database's parent).
    public func tag(_ name: String, revision: RevisionArgument?) throws -> Tag {
        try Names.validateTag(name)
        return try changing { state in
            let number = try resolve(revision ?? .number(state.parent), parent: state.parent)
            do {
                try tagRecords.add(name, number: number)
            } catch SQLState.uniqueViolation {
                throw OdbError.tagExists(name, revision: try resolve(.tag(name), parent: state.parent))
            }
            return Tag(name: name, revision: number)
        }
    }

    public func deleteTag(_ name: String) throws -> Tag {
        try changing { _ in
            guard let number = try tagRecords.delete(name) else { throw OdbError.unknownTag(name) }
            return Tag(name: name, revision: number)
        }
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
