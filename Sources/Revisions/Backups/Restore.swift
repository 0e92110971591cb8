import Foundation

/// What `odb restore` is asked to do.
public struct RestoreRequest: Sendable {
    /// Where the state comes from: a dump (by key or prefix) or a local revision.
    public enum Source: Sendable, Equatable {
        case dump(String)
        case revision(RevisionArgument)
    }

    public var source: Source
    public var store: any Store
    /// Run against the temporary database before the swap; one failing leaves everything as it was.
    public var preSwap: Hooks
    /// Go on past pg_restore's errors and list them, instead of stopping at the first.
    public var ignoreErrors: Bool
    /// Keep the dump's owners and privileges (pg_restore without `--no-owner --no-acl`).
    public var keepOwners: Bool
    /// False when the project's configuration says `allow_restore = false`.
    public var allowed: Bool

    public init(
        source: Source, store: any Store, preSwap: Hooks = .init([]), ignoreErrors: Bool = false, keepOwners: Bool = false,
        allowed: Bool = true
    ) {
        self.source = source
        self.store = store
        self.preSwap = preSwap
        self.ignoreErrors = ignoreErrors
        self.keepOwners = keepOwners
        self.allowed = allowed
    }
}

public struct RestoreOutcome: Codable, Sendable, Equatable {
    public let database: String
    /// The dump's key, or `:N` for a local revision.
    public let source: String
    /// The revision the replaced working database was kept as; nil when there was none.
    public let kept: Int?
    /// The revision holding the restored state.
    public let restored: Int
    /// The working database's new revision number.
    public let revision: Int
    /// Whether the restored revision's database is loaded from the dump again in the background
    /// (see `PendingRevisions`), rather than copied before the swap.
    public let loadedLater: Bool
    /// pg_restore's errors, when told to go on past them.
    public let ignoredErrors: [String]
    public let endedSessions: [Session]
}

extension Repository {
    /// Restores a dump (or a local revision) into the working database, reversibly.
    ///
    /// The state is built in a temporary database, journaled: pg_restore fed straight from the
    /// store, its errors reported; the bytes read checked against the manifest's SHA-256; the
    /// pre-swap hooks run against it; the working database's owner, grants and settings put on
    /// it; a frozen copy of it made as the restored revision. Only then the fenced swap puts it
    /// in place, keeping the replaced working database, frozen, as a revision of its own, and
    /// records both revisions in the same transaction: `odb revert N` undoes a restore. Killed at
    /// any step before that transaction, the next odb command drops what the journal lists.
    ///
    /// With a background worker, a dump restored without pre-swap hooks is not copied: the dump
    /// holds the restored state already, and the worker loads it again into the restored
    /// revision's database after the command has returned (`PendingRevisions`). The copy is most
    /// of what a restore costs beyond `createdb` + `pg_restore`: it writes the whole database
    /// again and waits for the disk. A hook's changes are in no dump: with hooks, the copy stays.
    public func restore(_ request: RestoreRequest, access: ServerAccess, programs: PostgresPrograms) async throws
        -> RestoreOutcome
    {
        let manifest: Manifest?
        switch request.source {
        case .dump(let argument): manifest = try await DumpCatalog(store: request.store).find(argument)
        case .revision: manifest = nil
        }
        return try await changing(waiting: { state in
            if state.protected { throw OdbError.protected(database: database) }
            if !request.allowed { throw OdbError.restoreNotAllowed(database: database) }
            let label: String
            var revisionSource: String? = nil
            if case .revision(let argument) = request.source {
                let number = try resolve(argument, parent: state.parent)
                revisionSource = try revisionDatabase(number)
                label = ":\(number)"
            } else {
                label = manifest!.key
            }
            let working = try DatabaseProperties.read(database, on: connection)
            let kept = working == nil ? nil : state.revision
            let restoredNumber = state.revision + (working == nil ? 0 : 1)
            let keptName = Names.revisionDatabase(database, number: state.revision)
            let restoredName = Names.revisionDatabase(database, number: restoredNumber)
            let temporary = Names.replacementDatabase(database)
            for name in [temporary, keptName, restoredName] where try databaseExists(name) {
                throw OdbError.nameTaken(database: name)
            }
            let entry = Journal.Entry(
                kind: .restore, number: state.revision, made: temporary, replaced: working == nil ? nil : keptName,
                allowConnections: working?.allowConnections ?? true)
            try journal.record(entry)
            do {
                try reached(.restoreJournaled)
                var ignored: [String] = []
                if let revisionSource {
                    try copy(from: revisionSource, to: temporary, frozen: false)
                    try control.unfence(temporary, allowConnections: true)
                } else {
                    try createEmpty(temporary, like: working == nil ? nil : database)
                    ignored = try await load(manifest!, into: temporary, request: request, access: access, programs: programs)
                }
                try reached(.restoreLoaded)
                try await request.preSwap.run(
                    "pre-swap",
                    environment: access.hookEnvironment(
                        database: temporary,
                        extra: ["ODB_DATABASE": database, "ODB_TEMPORARY_DATABASE": temporary, "ODB_KEY": label]))
                try reached(.restoreHooked)
                try control.unfence(temporary, allowConnections: false)
                let pending = manifest.flatMap { manifest in
                    options.background && request.preSwap.commands.isEmpty
                        ? PendingRevision(
                            number: restoredNumber, store: request.store.absoluteLocation, manifest: manifest,
                            keepOwners: request.keepOwners, ignoreErrors: request.ignoreErrors) : nil
                }
                let restoredSize: Int64
                if pending == nil {
                    restoredSize = try copy(from: temporary, to: restoredName, frozen: true).size
                    try reached(.restoreCopied)
                } else {
                    restoredSize = try connection.databaseSize(temporary)
                }
                let keptSize = try connection.databaseSize(database)
                // The working database keeps its owner, grants and settings (given to the temporary
                // database in the swap's transaction).
                let properties = try restoredProperties(working: working, loaded: temporary)
                let ended = try swap(in: temporary, entry: entry, replaced: .keep, restoring: properties) {
                    if let kept {
                        try records.insert(
                            .init(
                                number: kept, parent: state.parent, dbname: keptName, message: "before restore of \(label)",
                                author: Self.author, size: keptSize, properties: properties))
                    }
                    try records.insert(
                        .init(
                            number: restoredNumber, parent: kept ?? state.parent, dbname: pending == nil ? restoredName : nil,
                            message: "restore of \(label)", author: Self.author, size: restoredSize, properties: properties))
                    if let pending { try pendingRevisions.add(pending) }
                    // What a restore changed is not counted: the next status says "unknown".
                    try tracking.committed(restoredNumber, baseline: nil)
                }
                return RestoreOutcome(
                    database: database, source: label, kept: kept, restored: restoredNumber, revision: restoredNumber + 1,
                    loadedLater: pending != nil, ignoredErrors: ignored, endedSessions: ended)
            } catch {
                try? rollBackRestore(entry)
                throw error
            }
        })
    }

    /// Undoes a restore that did not reach its swap: the frozen copy of the restored state, if
    /// made, goes with the temporary database.
    func rollBackRestore(_ entry: Journal.Entry) throws {
        let restored = entry.number + (entry.replaced == nil ? 0 : 1)
        if try !records.exists(restored) { try drop(Names.revisionDatabase(database, number: restored)) }
        try rollBack(entry)
    }

    /// What a loaded state is to have once it is the working database: the working database's
    /// owner, grants and settings; with no working database, the loaded one's own, open.
    func restoredProperties(working: DatabaseProperties?, loaded: String) throws -> DatabaseProperties {
        guard var properties = try working ?? DatabaseProperties.read(loaded, on: connection) else {
            throw OdbError.databaseMissing(database: loaded)
        }
        properties.allowConnections = working?.allowConnections ?? true
        return properties
    }

    /// An empty database for pg_restore to fill, with the working database's encoding and locale.
    func createEmpty(_ name: String, like model: String?) throws {
        var options: SQL = ""
        if let model,
            let row = try connection.query(
                """
                SELECT pg_encoding_to_char(encoding) AS encoding, datcollate, datctype FROM pg_database WHERE datname = \(model)
                """
            ).first
        {
            options =
                " ENCODING \(literal: try row.string("encoding")) LC_COLLATE \(literal: try row.string("datcollate")) LC_CTYPE \(literal: try row.string("datctype"))"
        }
        do {
            try connection.query("CREATE DATABASE \(identifier: name) TEMPLATE template0\(options)")
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw OdbError.notPermitted(.createDatabase(name), reason: error.message)
        }
    }

    /// Feeds the dump from the store into pg_restore on `target`, checking its SHA-256 over every
    /// byte read; returns the errors pg_restore went past, when told to.
    func load(
        _ manifest: Manifest, into target: String, request: RestoreRequest, access: ServerAccess, programs: PostgresPrograms
    ) async throws -> [String] {
        let (dbname, passwordEnvironment) = access.connection(to: target)
        var arguments = [dbname]
        if !request.keepOwners { arguments += ["--no-owner", "--no-acl"] }
        if !request.ignoreErrors { arguments.append("--exit-on-error") }
        let program = Program(
            try programs.path(of: "pg_restore"), arguments, environment: .inherited(changing: passwordEnvironment))
        let checksum = Checksum()
        let store = request.store
        let result = try await program.result(
            input: .writer { writer in
                let stopped = Flag()
                try await store.get(manifest.key) { chunk in
                    checksum.update(chunk)
                    // pg_restore that stopped at an error reads no more; the rest is still checked.
                    guard !stopped.isSet else { return }
                    do { try await writer.write(chunk) } catch is ProgramInputWriter.InputRefused { stopped.set() }
                }
            }, output: .collected(limit: 1 << 20))
        let found = checksum.finish()
        if found != manifest.sha256 || checksum.size != manifest.size {
            throw OdbError.checksumMismatch(key: manifest.key, expected: manifest.sha256, found: found)
        }
        let errors = result.errorOutput.split(whereSeparator: \.isNewline).map(String.init).filter {
            $0.contains("error:")
        }
        if !result.succeeded, !request.ignoreErrors || errors.isEmpty {
            throw OdbError.restoreFailed(status: result.status, errors: errors.isEmpty ? [result.lastErrorLine] : errors)
        }
        return result.succeeded ? [] : errors
    }
}
