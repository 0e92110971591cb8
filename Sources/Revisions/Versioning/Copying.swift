import Foundation

/// How PostgreSQL copies a database for `CREATE DATABASE … TEMPLATE …` (PostgreSQL 15 and later).
public enum CopyStrategy: String, Codable, Sendable, CaseIterable {
    /// Block by block through the WAL: no checkpoint, but every byte is written twice.
    case walLog = "wal_log"
    /// File by file: each byte is written once, after a checkpoint that flushes the whole
    /// cluster's dirty buffers.
    case fileCopy = "file_copy"
    /// `FILE_COPY` with each file cloned (PostgreSQL 18's `file_copy_method = clone`): blocks are
    /// shared until written, on file systems that can (see Mechanics/CloneMethod.swift).
    case clone

    var keyword: String { self == .walLog ? "WAL_LOG" : "FILE_COPY" }

    /// Picks the cheaper strategy for a copy of `size` bytes when a checkpoint would flush about
    /// `pendingCheckpoint` bytes (nil: unknown).
    ///
    /// Measured on PostgreSQL 15 (BENCHMARKS.md): `WAL_LOG` costs about 3.3 s a GiB, `FILE_COPY`
    /// about 1 s a GiB plus the checkpoint, which writes the dirty buffers at about the same rate
    /// and has a fixed cost near that of 50 MiB. So `FILE_COPY` wins once 2.3 × size passes the
    /// checkpoint's cost.
    public static func choose(size: Int64, pendingCheckpoint: Int64?) -> (strategy: CopyStrategy, reason: String) {
        let fixed: Int64 = 50 << 20
        guard let pending = pendingCheckpoint else {
            return size * 23 / 10 > fixed
                ? (.fileCopy, "\(describe(size)) to copy; checkpoint cost unknown, assumed small")
                : (.walLog, "\(describe(size)) to copy is too small to pay for a checkpoint")
        }
        if size * 23 / 10 > pending + fixed {
            return (.fileCopy, "\(describe(size)) to copy outweighs a checkpoint of about \(describe(pending))")
        }
        return (
            .walLog, "a checkpoint of about \(describe(pending)) would cost more than copying \(describe(size)) through the WAL"
        )
    }

    static func describe(_ bytes: Int64) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1f GB", Double(bytes) / Double(1 << 30)) }
        if bytes >= 1 << 20 { return String(format: "%.0f MB", Double(bytes) / Double(1 << 20)) }
        return "\(bytes / 1024) kB"
    }
}

/// A copy under way, reported a few times a second while it takes more than a moment.
public struct CopyProgress: Sendable, Equatable {
    public let source: String
    public let target: String
    /// Bytes written so far, where the server's files can be read (the embedded cluster's).
    public let done: Int64?
    public let total: Int64
    public let elapsed: Duration
}

/// What a finished copy did, for `-v`.
public struct CopyReport: Codable, Sendable, Equatable {
    public let source: String
    public let target: String
    public let strategy: CopyStrategy?
    public let reason: String
    public let size: Int64
    public let seconds: Double
}

/// Where the server keeps its files, when odb can see them: the embedded cluster's, or a local
/// server's whose `data_directory` this role may read. Used for the disk-space check and progress.
struct ServerStorage {
    let dataDirectory: String?

    /// Free bytes on the data directory's file system, for an unprivileged writer.
    func freeBytes() -> Int64? { fileSystem().map { Int64($0.f_bavail) * Int64($0.f_frsize) } }

    /// The size of the file system holding the data directory.
    func totalBytes() -> Int64? { fileSystem().map { Int64($0.f_blocks) * Int64($0.f_frsize) } }

    private func fileSystem() -> statvfs? {
        guard let dataDirectory else { return nil }
        var stats = statvfs()
        return statvfs(dataDirectory, &stats) == 0 ? stats : nil
    }

    /// The database folders under `base/`, to tell which one a copy is writing.
    func databaseFolders() -> Set<String> {
        guard let dataDirectory else { return [] }
        return Set((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/base")) ?? [])
    }

    /// Bytes written so far by a copy: the largest database folder that appeared since `before`.
    func bytesWritten(since before: Set<String>) -> Int64? {
        guard let dataDirectory, !before.isEmpty else { return nil }
        let new = databaseFolders().subtracting(before)
        return new.map { folderSize(dataDirectory + "/base/" + $0) }.max() ?? 0
    }

    private func folderSize(_ path: String) -> Int64 {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return 0 }
        var total: Int64 = 0
        for name in names {
            var info = stat()
            if stat(path + "/" + name, &info) == 0 { total += Int64(info.st_size) }
        }
        return total
    }
}

extension ControlDatabase {
    /// The server's storage as far as odb can see it (looked up once).
    func storage() -> ServerStorage {
        if let cached = storageCache { return cached }
        var directory: String?
        if let cluster = server.cluster {
            directory = cluster.dataDirectory
        } else if connection.host.hasPrefix("/") || ["localhost", "127.0.0.1", "::1"].contains(connection.host) {
            // Hidden from roles without pg_read_all_settings: then odb cannot check.
            let row = try? connection.query("SELECT setting FROM pg_settings WHERE name = 'data_directory'").first
            directory = row?["setting"].flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        }
        let storage = ServerStorage(dataDirectory: directory)
        storageCache = storage
        return storage
    }

    /// About how many bytes the next checkpoint would write: the WAL since the last one, capped by
    /// shared_buffers (nil when this role may not read the control file).
    func pendingCheckpointBytes() -> Int64? {
        let row = try? connection.query(
            """
            SELECT least(pg_wal_lsn_diff(pg_current_wal_lsn(), c.redo_lsn),
                         (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'))::bigint AS pending
            FROM pg_control_checkpoint() c
            """
        ).first
        return row?.optionalInt("pending").map(Int64.init)
    }
}

extension Repository {
    /// `CREATE DATABASE target TEMPLATE source` with the faster strategy, after checking that the
    /// disk has room; reports progress while it runs. A frozen copy accepts no connections and is
    /// a template, so nobody can change it and copying from it is never blocked.
    @discardableResult
    func copy(from source: String, to target: String, frozen: Bool, reserve: Int64 = 0) throws -> CopyReport {
        let size = Int64(try connection.query("SELECT pg_database_size(\(source)) AS size").first?.int("size") ?? 0)
        var clause = ""
        var chosen: CopyStrategy?
        var reason = "PostgreSQL before 15 has one strategy, FILE_COPY"
        if connection.serverVersion >= 150_000 {
            if let forced = options.strategy {
                (chosen, reason) = (forced, "chosen by the user")
            } else {
                (chosen, reason) = CopyStrategy.choose(size: size, pendingCheckpoint: control.pendingCheckpointBytes())
            }
            (chosen, reason) = try cloneIfPossible(chosen!, reason: reason)
            clause = " STRATEGY \(chosen!.keyword)"
        }
        let storage = control.storage()
        // WAL_LOG also writes the whole database to the WAL until the next checkpoint recycles it.
        let needed = size * (chosen == .walLog ? 2 : chosen == .clone ? 0 : 1) + reserve + (64 << 20)
        if let free = storage.freeBytes(), free < needed {
            throw OdbError.notEnoughSpace(
                copying: source, needed: CopyStrategy.describe(needed), free: CopyStrategy.describe(free),
                path: storage.dataDirectory ?? "")
        }
        let before = storage.databaseFolders()
        let start = ContinuousClock.now
        do {
            try connection.query(
                """
                CREATE DATABASE \(identifier: target) TEMPLATE \(identifier: source)\(unsafeRaw: clause) \
                ALLOW_CONNECTIONS false IS_TEMPLATE \(unsafeRaw: frozen ? "true" : "false")
                """,
                every: .milliseconds(200)
            ) {
                events(
                    .copying(
                        CopyProgress(
                            source: source, target: target, done: storage.bytesWritten(since: before), total: size,
                            elapsed: ContinuousClock.now - start)))
            }
        } catch let error as PostgresError where chosen == .clone && Self.isCloneFailure(error) {
            return try withoutClone(after: error) { try copy(from: source, to: target, frozen: frozen, reserve: reserve) }
        } catch let error as PostgresError {
            switch error.sqlState {
            case .insufficientPrivilege?:
                throw OdbError.notPermitted(action: "create database '\(target)'", reason: error.message)
            case .objectInUse? where source == database:
                throw OdbError.connectionsOpen(database: source, sessions: error.detail ?? error.message)
            case .objectInUse?:
                throw OdbError.revisionInUse(database: source, sessions: error.detail ?? error.message)
            case .diskFull?:
                throw OdbError.notEnoughSpace(
                    copying: source, needed: CopyStrategy.describe(needed), free: "none",
                    path: storage.dataDirectory ?? "the server")
            default:
                throw OdbError.server(action: "copy '\(source)' to '\(target)'", error: error.description)
            }
        }
        let elapsed = ContinuousClock.now - start
        if chosen == .clone { cloneWorked() }
        let report = CopyReport(
            source: source, target: target, strategy: chosen, reason: reason, size: size,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        events(.copied(report))
        return report
    }
}
