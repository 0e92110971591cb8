import Foundation

/// How odb's copies on a server are made, for `odb info`: cloned (PostgreSQL 18's
/// `file_copy_method = clone` on a file system that shares blocks) or copied, and why.
public struct CopyMethod: Codable, Sendable, Equatable {
    /// True: copies clone; false: they copy every byte; nil: untried, the next copy tries once.
    public let clone: Bool?
    public let reason: String
}

/// What odb knows of a server's clones: seen on its file system, learnt from a try and remembered
/// in `odb.copy_methods`, or not known yet.
struct CloneSupport: Sendable, Equatable {
    var works: Bool?
    var reason: String
    /// Whether the one line saying that odb copies instead was said in this process.
    var announced = false
}

extension CopyStrategy {
    /// The strategy as PostgreSQL's statement spells it, for `-v`.
    public var label: String {
        switch self {
        case .walLog: "WAL_LOG"
        case .fileCopy: "FILE_COPY"
        case .clone: "FILE_COPY (cloned)"
        }
    }
}

extension ControlDatabase {
    /// Whether copies on this server can clone (looked up once a process). On PostgreSQL 18 and
    /// later: tried on the data directory's file system when odb can see it; else the answer a
    /// first copy got, remembered per server; else unknown, and the next copy tries.
    func cloneSupport() -> CloneSupport {
        if let cloneCache { return cloneCache }
        let support: CloneSupport
        let version = connection.serverVersion
        if SupportedVersions.major(version) < SupportedVersions.cloning {
            support = CloneSupport(
                works: false,
                reason: "PostgreSQL \(SupportedVersions.describe(version)) has no file_copy_method = clone (18 and later)")
        } else {
            support = probedSupport() ?? rememberedSupport()
        }
        cloneCache = support
        return support
    }

    private func probedSupport() -> CloneSupport? {
        guard let directory = storage().dataDirectory else { return nil }
        switch CloneProbe.probe(directory) {
        case .clones(let fileSystem):
            return CloneSupport(
                works: true, reason: "the data directory's file system (\(fileSystem)) shares blocks between copies")
        case .cannot(let fileSystem, let reason):
            return CloneSupport(
                works: false, reason: "the data directory's file system (\(fileSystem)) cannot clone files (\(reason))")
        case .unknown:
            return nil
        }
    }

    private func rememberedSupport() -> CloneSupport {
        let row = try? connection.query(
            """
            SELECT clone, reason, to_char(checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS checked
            FROM odb.copy_methods WHERE server = \(serverKey())
            """
        ).first
        guard let row else {
            return CloneSupport(works: nil, reason: "untried: odb cannot see the server's files, so its next copy tries once")
        }
        guard let works = try? row.bool("clone"), let reason = try? row.string("reason"), let checked = try? row.string("checked")
        else { return CloneSupport(works: nil, reason: "untried: what odb remembered of this server cannot be read") }
        return CloneSupport(works: works, reason: "\(reason) (tried \(checked))")
    }

    /// This server, for remembering what a try taught: its system identifier where this role may
    /// read it, and its major version (a cluster upgraded in place may copy differently).
    private func serverKey() -> String {
        let identifier = try? connection.query("SELECT system_identifier::text AS id FROM pg_control_system()").first?
            .optionalString("id")
        return "\(identifier ?? "unknown")/\(SupportedVersions.major(connection.serverVersion))"
    }

    /// Records what a try taught, for later odb processes that cannot see the server's files.
    func rememberClone(works: Bool, reason: String) {
        cloneCache = CloneSupport(works: works, reason: reason, announced: cloneCache?.announced ?? false)
        _ = try? connection.query(
            """
            INSERT INTO odb.copy_methods (server, clone, reason) VALUES (\(serverKey()), \(works), \(reason))
            ON CONFLICT (server) DO UPDATE SET clone = excluded.clone, reason = excluded.reason, checked_at = now()
            """)
    }

    /// Sets this session's `file_copy_method` (PostgreSQL 18 and later; any role may).
    func setFileCopyMethod(clone: Bool) throws {
        guard SupportedVersions.major(connection.serverVersion) >= SupportedVersions.cloning else { return }
        try connection.query("SELECT set_config('file_copy_method', \(clone ? "clone" : "copy"), false)")
    }

    /// How this server's copies are made, for `odb info`.
    func copyMethod() -> CopyMethod {
        let support = cloneSupport()
        return CopyMethod(clone: support.works, reason: support.reason)
    }
}

extension Repository {
    /// The hook in `copy`: on PostgreSQL 18 and later, a copy whose strategy the user left to odb
    /// (or set to `clone`) clones when the server's file system can, and this session's
    /// `file_copy_method` is set to match; `CopyStrategy.choose` decides for the others. When a
    /// clone cannot be made, odb copies instead and says so once, for `-v`; never an error.
    func cloneIfPossible(otherwise choose: () throws -> (CopyStrategy, String)) throws -> (
        strategy: CopyStrategy, reason: String
    ) {
        guard options.strategy == nil || options.strategy == .clone else {
            try control.setFileCopyMethod(clone: false)
            return try choose()
        }
        var support = control.cloneSupport()
        if support.works != false {
            do {
                try control.setFileCopyMethod(clone: true)
                return (.clone, support.works == true ? support.reason : "trying a clone once: \(support.reason)")
            } catch let error as PostgresError where OdbError(error) == nil {
                control.rememberClone(works: false, reason: "the server refused file_copy_method = clone: \(error.message)")
                support = control.cloneSupport()
            }
        }
        let cloning = SupportedVersions.major(connection.serverVersion) >= SupportedVersions.cloning
        if !support.announced, cloning || options.strategy == .clone {
            events(.cloneUnavailable(reason: support.reason))
            control.cloneCache?.announced = true
        }
        try control.setFileCopyMethod(clone: false)
        if options.strategy == .clone { return (.fileCopy, "clone asked for, but \(support.reason)") }
        let (chosen, reason) = try choose()
        return (chosen == .clone ? .fileCopy : chosen, reason)
    }

    /// Whether a failed `CREATE DATABASE` with a clone failed for a reason a plain copy would not
    /// meet: not a lost connection, a missing right, a database in use or a full disk.
    static func isCloneFailure(_ error: PostgresError) -> Bool {
        guard OdbError(error) == nil else { return false }
        switch error.sqlState {
        case .insufficientPrivilege?, .objectInUse?, .diskFull?, .duplicateDatabase?, .invalidCatalogName?, .queryCanceled?:
            return false
        default: return true
        }
    }

    /// After a clone failed: copies instead with `copy` (a plain FILE_COPY or the strategy odb
    /// would pick without clones), says so once, and remembers it when the copy worked.
    func withoutClone<Copied>(after error: PostgresError, _ copy: () throws -> Copied) throws -> Copied {
        let reason = "a clone failed on this server: \(error.message)"
        control.cloneCache = CloneSupport(works: false, reason: reason, announced: control.cloneCache?.announced ?? false)
        let report = try copy()
        control.rememberClone(works: false, reason: reason)
        return report
    }

    /// After a clone worked where odb could not tell beforehand: remembers it.
    func cloneWorked() {
        guard control.cloneSupport().works == nil else { return }
        control.rememberClone(
            works: true, reason: "a clone worked on this server (its file system, out of odb's sight, may copy)")
    }
}
