import Foundation

/// What `odb dump` is asked to do.
public struct DumpRequest: Sendable {
    public var store: any Store
    /// The first part of the key: the host name unless given.
    public var instance: String
    /// The configuration used (`none` when none).
    public var config: String
    /// `--exclude-table-data` patterns.
    public var excludeData: [String]
    /// Run before the dump against the working database; one failing refuses the dump.
    public var preDump: Hooks
    /// The revision to dump; nil: the working database.
    public var revision: RevisionArgument? = nil

    public init(
        store: any Store, instance: String, config: String = "none", excludeData: [String] = [], preDump: Hooks = .init([])
    ) {
        self.store = store
        self.instance = instance
        self.config = config
        self.excludeData = excludeData
        self.preDump = preDump
    }

    /// This machine's name, the default instance.
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Repository {
    /// Streams `pg_dump -Fc` of the working database into the store, computing its SHA-256 on
    /// the way, then writes the manifest beside it, last. Nothing is staged on disk. pg_dump's
    /// and the store's failures are both errors, and then the partial key is removed (and, if
    /// odb was killed, the next dump of the same folder or `odb ls --clean` removes it): a key
    /// without its manifest is never listed.
    ///
    /// A revision is frozen: pg_dump is let in as `reading` lets odb's own sessions in, and the
    /// revision is frozen again as soon as pg_dump's first bytes arrive (it has connected then).
    public func dump(_ request: DumpRequest, access: ServerAccess, programs: PostgresPrograms) async throws -> Manifest {
        let state = try state()
        let number = try request.revision.map { try resolve($0, parent: state.parent) }
        let source = try number.map { try revisionDatabase($0) } ?? database
        let revision = try number.flatMap { try log(only: .number($0)).first }
        guard try databaseExists(source) else { throw OdbError.databaseMissing(database: source) }
        let key = DumpKey.now(instance: request.instance, database: database, config: request.config)
        let catalog = DumpCatalog(store: request.store)
        // One dump at a time into a folder; whoever holds it tidies what killed dumps left there,
        // while its own dump runs (on object storage, a listing is a program run of its own).
        let owner = try control.tryLock(.dump, on: key.folder)
        defer { if owner { control.unlock(.dump, on: key.folder) } }
        async let tidied = owner ? catalog.clean(folder: key.folder, except: key) : []

        let (dbname, passwordEnvironment) = access.connection(to: source)
        try await request.preDump.run(
            "pre-dump",
            environment: access.hookEnvironment(
                database: database,
                extra: ["ODB_KEY": key.description, "ODB_STORAGE": request.store.location].merging(
                    number.map { ["ODB_REVISION": String($0)] } ?? [:]
                ) { $1 }))
        try reached(.dumpStarted)

        let pgDump = try programs.path(of: "pg_dump")
        // Asked while the dump runs, for the manifest: a program run of its own.
        async let versionLine = Program(pgDump, ["--version"], timeout: .seconds(30)).run().output
        let serverVersion = try connection.query("SHOW server_version").first?.string("server_version") ?? ""
        let arguments = ["--format=custom", dbname] + request.excludeData.map { "--exclude-table-data=" + $0 }
        let program = Program(
            pgDump, arguments,
            // A revision's pg_dump is one of odb's readers, which a copy from the revision ends.
            environment: .inherited(
                changing: passwordEnvironment.merging(number == nil ? [:] : ["PGAPPNAME": Self.readerApplication]) { $1 }))
        let checksum = Checksum()
        nonisolated(unsafe) let connection = self.connection
        nonisolated(unsafe) let repository = self
        // Set once the revision dumped (if it is one) is frozen again.
        let frozen = Flag()
        if number == nil { frozen.set() } else { try unfreeze(source) }
        // The manifest's transfer gets ready while the dump runs; it is written last.
        let manifestPut = request.store.prepare(key.manifest)
        do {
            try await request.store.put(key.description) { write in
                _ = try await program.run { stream in
                    var first = true
                    for try await chunk in stream {
                        if !frozen.isSet {
                            try repository.freezeAgain(source)
                            frozen.set()
                        }
                        checksum.update(chunk)
                        try await write(chunk)
                        if first { try Step.dumpStreaming.reached(on: connection) }
                        first = false
                    }
                    return checksum.size
                }
            }
        } catch {
            await manifestPut.abandon()
            if !frozen.isSet { try? freezeAgain(source) }
            try? await request.store.delete(key.description)
            if let failed = error as? ProgramError, failed.program == program.name {
                // pg_dump's own error line, not the detail after it.
                throw OdbError.dumpFailed(reason: failed.errorLines.last { $0.contains("error:") } ?? failed.description)
            }
            throw error
        }
        _ = try? await tidied  // housekeeping: its failure never fails a dump that was stored
        do {
            try reached(.dumpStored)
            let version = try await versionLine.trimmingCharacters(in: .whitespacesAndNewlines)
            let manifest = Manifest(
                key: key.description, instance: key.instance, database: database, config: key.config, size: checksum.size,
                sha256: checksum.finish(), created: ISO8601DateFormatter().string(from: Date()), revision: number,
                message: revision?.message, parent: revision?.parent ?? state.parent, serverVersion: serverVersion,
                pgDumpVersion: version, excludedData: request.excludeData)
            try await manifestPut.finish(try manifest.encoded())
            return manifest
        } catch {
            await manifestPut.abandon()
            throw error
        }
    }
}
