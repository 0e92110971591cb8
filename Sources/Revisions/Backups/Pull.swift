import Foundation

/// What `odb pull` did: a dump became a revision of the local history.
public struct PullOutcome: Codable, Sendable, Equatable {
    public let database: String
    public let key: String
    /// The new revision's number here.
    public let revision: Int
    /// Where it came from: the instance, and its number and message there when it was a revision.
    public let instance: String
    public let originalRevision: Int?
    public let message: String
}

extension Repository {
    /// Loads a dump (by key or prefix, the newest under it) into a new frozen revision of the
    /// local history, beside the working database, which is left alone: `odb revert N` then puts
    /// it in place. The revision is a root of the history (its parent is 0); its message says
    /// where it came from.
    ///
    /// Journaled as restore is: the dump goes into a temporary database (its bytes checked against
    /// the manifest), which one transaction then renames, freezes and records. Killed before that
    /// transaction, the next odb drops the temporary database.
    public func pull(_ argument: String, store: any Store, access: ServerAccess, programs: PostgresPrograms) async throws
        -> PullOutcome
    {
        let manifest = try await DumpCatalog(store: store).find(argument)
        return try await changing(waiting: { state in
            if state.protected { throw OdbError.protected(database: database) }
            let number = state.revision
            let temporary = Names.replacementDatabase(database)
            let name = Names.revisionDatabase(database, number: number)
            for taken in [temporary, name] where try databaseExists(taken) { throw OdbError.nameTaken(database: taken) }
            let working = try DatabaseProperties.read(database, on: connection)
            let entry = Journal.Entry(
                kind: .pull, number: number, made: temporary, replaced: nil, allowConnections: working?.allowConnections ?? true)
            try journal.record(entry)
            do {
                try reached(.pullJournaled)
                try createEmpty(temporary, like: working == nil ? nil : database)
                _ = try await load(
                    manifest, into: temporary, request: RestoreRequest(source: .dump(manifest.key), store: store), access: access,
                    programs: programs)
                try reached(.pullLoaded)
                // A revert to it gives the working database's owner, grants and settings, as a restore keeps them.
                let properties = try restoredProperties(working: working, loaded: temporary)
                let size = try connection.databaseSize(temporary)
                let message =
                    "pulled from \(manifest.instance)"
                    + (manifest.revision.map { " revision \($0)" } ?? "") + (manifest.message.map { ": \($0)" } ?? "")
                try connection.transaction {
                    try connection.query("ALTER DATABASE \(identifier: temporary) RENAME TO \(identifier: name)")
                    try connection.query("ALTER DATABASE \(identifier: name) WITH ALLOW_CONNECTIONS false IS_TEMPLATE true")
                    try records.insert(
                        .init(
                            number: number, parent: 0, dbname: name, message: message, author: Self.author, size: size,
                            properties: properties))
                    try tracking.advance(past: number)
                    try journal.clear()
                }
                return PullOutcome(
                    database: database, key: manifest.key, revision: number, instance: manifest.instance,
                    originalRevision: manifest.revision, message: message)
            } catch {
                try? rollBackRestore(entry)
                throw error
            }
        })
    }
}
