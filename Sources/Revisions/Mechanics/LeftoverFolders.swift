import Foundation

/// A database folder that no database owns: what a `CREATE DATABASE` leaves on disk when the
/// server stops in the middle of the copy (a crash, an immediate restart). PostgreSQL never
/// removes it on its own, and it can be as large as the database that was being copied.
public struct LeftoverFolder: Codable, Sendable, Equatable {
    /// Where it is, on the server's machine.
    public let path: String
    /// The bytes of its files.
    public let size: Int64
    /// The system user owning it: with root, the one who may remove it.
    public let owner: String

    public init(path: String, size: Int64, owner: String) {
        self.path = path
        self.size = size
        self.owner = owner
    }
}

/// The leftover folders `odb info` shows, when there are some.
public struct LeftoverFolders: Codable, Sendable, Equatable {
    public let count: Int
    /// Their bytes together.
    public let size: Int64
    public let folders: [LeftoverFolder]

    public init(_ folders: [LeftoverFolder]) {
        self.count = folders.count
        self.size = folders.reduce(0) { $0 + $1.size }
        self.folders = folders
    }
}

/// How odb tells a leftover folder from a database's, by the server's own rules, read from the
/// server afresh for every decision. A folder is a leftover only when all of these hold:
/// - its name is a database number (an oid, written as the server writes it) that no row of
///   `pg_database` has;
/// - it is in `base/`, or in this server's own folder of a tablespace (`PG_<major>_<catalog
///   version>`: another server's folder in the same tablespace is never looked at);
/// - nothing in it changed since the server started: a copy under way began after that, while a
///   copy that a crash stopped wrote its last byte before the server started again (a `WAL_LOG`
///   copy that crash recovery replayed was written after: it counts from the next start);
/// - no `CREATE DATABASE` is running (its `ShareLock` on the template in `pg_locks`, or its query
///   in `pg_stat_activity`), and the server is no standby, which replays other servers' copies.
///
/// Nothing writes to such a folder again: the server never gives a new database the number of a
/// folder that exists (`check_db_file_conflict`).
struct LeftoverRules {
    let dataDirectory: String
    /// Every database's oid, as text.
    let databases: Set<String>
    /// When the server started, in microseconds since 1970.
    let started: Int64
    /// Whether a copy may be under way: then no folder is a leftover.
    let copying: Bool
    /// `PG_<major>_<catalog version>`; nil when this role may not read the catalog version.
    let tablespaceFolder: String?

    /// Nil where odb cannot see the server's files.
    init?(_ control: ControlDatabase) throws {
        guard let dataDirectory = control.storage().dataDirectory,
            let row = try control.connection.query(
                """
                SELECT (SELECT string_agg(oid::text, ',') FROM pg_database) AS databases,
                       (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint AS started,
                       pg_is_in_recovery()
                       OR EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'object'
                                  AND classid = 'pg_database'::regclass AND mode = 'ShareLock')
                       OR EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active'
                                  AND query ~* '^[[:space:]]*create[[:space:]]+database') AS copying,
                       CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
                            THEN format('PG_%s_%s', current_setting('server_version_num')::int / 10000,
                                        (SELECT catalog_version_no FROM pg_control_system())) END AS tablespace_folder
                """
            ).first
        else { return nil }
        self.dataDirectory = dataDirectory
        databases = Set(try row.string("databases").split(separator: ",").map(String.init))
        started = try row.int64("started")
        copying = try row.bool("copying")
        tablespaceFolder = try row.optionalString("tablespace_folder")
    }

    /// The folders whose name is a database number that no database has, in `base/` and in this
    /// server's folder of each tablespace.
    func candidates() -> [String] {
        var places = [dataDirectory + "/base"]
        if let tablespaceFolder {
            let links = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/pg_tblspc")) ?? []
            places += links.filter(Self.isNumber).sorted().map { "\(dataDirectory)/pg_tblspc/\($0)/\(tablespaceFolder)" }
        }
        return places.flatMap { place in
            ((try? FileManager.default.contentsOfDirectory(atPath: place)) ?? [])
                .filter { Self.isNumber($0) && !databases.contains($0) }.sorted().map { place + "/" + $0 }
        }
    }

    /// The folder at `path`, if it is a leftover now.
    func leftover(at path: String) -> LeftoverFolder? {
        var info = stat()
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard !copying, Self.isNumber(name), !databases.contains(name), lstat(path, &info) == 0,
            info.st_mode & S_IFMT == S_IFDIR, let usage = ServerStorage.usage(of: path), usage.modified < started
        else { return nil }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
        return LeftoverFolder(path: path, size: usage.bytes, owner: owner)
    }

    /// An oid as the server names folders: digits, no sign, no leading zero, not 0.
    private static func isNumber(_ name: String) -> Bool {
        UInt32(name).map { $0 > 0 && String($0) == name } ?? false
    }
}

extension ControlDatabase {
    /// The leftover folders on this server: none where odb cannot see its files.
    public func leftoverFolders() throws -> [LeftoverFolder] {
        guard let rules = try LeftoverRules(self) else { return [] }
        return rules.candidates().compactMap(rules.leftover(at:))
    }

    /// Removes the leftover folders, each checked again just before (the server asked again, the
    /// folder read again). Returns those removed, and those this system user may not remove.
    func removeLeftoverFolders() throws -> (removed: [LeftoverFolder], notPermitted: [LeftoverFolder]) {
        var removed: [LeftoverFolder] = []
        var notPermitted: [LeftoverFolder] = []
        for found in try leftoverFolders() {
            guard let rules = try LeftoverRules(self), let folder = rules.leftover(at: found.path) else { continue }
            let parent = URL(fileURLWithPath: folder.path).deletingLastPathComponent().path
            guard access(parent, W_OK | X_OK) == 0, access(folder.path, R_OK | W_OK | X_OK) == 0 else {
                notPermitted.append(folder)
                continue
            }
            do {
                try FileManager.default.removeItem(atPath: folder.path)
            } catch {
                // Another odb's recover may have removed it first.
                guard FileManager.default.fileExists(atPath: folder.path) else { continue }
                throw OdbError.notWritable(path: folder.path, reason: (error as NSError).localizedDescription)
            }
            removed.append(folder)
        }
        return (removed, notPermitted)
    }
}
