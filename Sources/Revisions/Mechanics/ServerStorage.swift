import Foundation

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
        return new.map { Self.usage(of: dataDirectory + "/base/" + $0)?.bytes ?? 0 }.max() ?? 0
    }

    /// What a folder holds: the bytes of its files, and when it or anything in it last changed
    /// (microseconds since 1970). Nil when it is gone, or something in it went while being read.
    static func usage(of path: String) -> (bytes: Int64, modified: Int64)? {
        guard let names = try? FileManager.default.subpathsOfDirectory(atPath: path) else { return nil }
        var usage: (bytes: Int64, modified: Int64) = (0, 0)
        for entry in [path] + names.map({ path + "/" + $0 }) {
            var info = stat()
            guard lstat(entry, &info) == 0 else { return nil }
            if info.st_mode & S_IFMT == S_IFREG { usage.bytes += Int64(info.st_size) }
            usage.modified = max(usage.modified, Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000)
        }
        return usage
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
            directory = (try? row?.string("setting")).flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
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
        return (try? row?.optionalInt64("pending")) ?? nil
    }
}
