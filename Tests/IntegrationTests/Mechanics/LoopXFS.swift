import Foundation
import Testing

@testable import Revisions

/// A loop-mounted XFS made with reflink, for the clone tests: a sparse file under the temporary
/// folder, formatted, mounted, and afterwards unmounted, its loop device detached and the file
/// removed, also when the test fails. Mounting needs root, mkfs.xfs and loop devices; the suites
/// that need one say which is missing.
struct LoopXFS {
    let image: String
    let mountPoint: String

    static let mkfs = ["/usr/sbin/mkfs.xfs", "/sbin/mkfs.xfs"].first(where: FileManager.default.isExecutableFile)
    private static let prefix = "odb-xfs-"

    /// Runs `body` with a fresh XFS mounted, then takes it all down whatever happened.
    static func withMounted<T>(size: Int64 = 2 << 30, _ body: (LoopXFS) async throws -> T) async throws -> T {
        await sweepStale()
        let folder = FileManager.default.temporaryDirectory.path + "/\(prefix)\(getpid())-\(UUID().uuidString.prefix(8))"
        let xfs = LoopXFS(image: folder + ".img", mountPoint: folder)
        do {
            try await xfs.make(size: size)
            let value = try await body(xfs)
            await xfs.remove()
            return value
        } catch {
            await xfs.remove()
            throw error
        }
    }

    /// Whether a loop-mounted XFS can be made here: tried once on a small one.
    static func canMount() async -> Bool {
        guard SystemUser.isRoot, mkfs != nil else { return false }
        return (try? await withMounted(size: 320 << 20) { _ in true }) ?? false
    }

    private func make(size: Int64) async throws {
        try FileManager.default.createDirectory(
            atPath: mountPoint, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        guard FileManager.default.createFile(atPath: image, contents: nil), truncate(image, off_t(size)) == 0 else {
            throw OdbError.notWritable(path: image, reason: String(cString: strerror(errno)))
        }
        try await Self.run(Self.mkfs ?? "mkfs.xfs", ["-q", "-m", "reflink=1", image])
        try await Self.run("/usr/bin/mount", ["-o", "loop", image, mountPoint])
        chmod(mountPoint, 0o755)
    }

    /// Unmounts (lazily if something still holds it), detaches the loop device, removes the files.
    private func remove() async {
        if Self.isMounted(mountPoint) {
            if (try? await Self.run("/usr/bin/umount", [mountPoint])) == nil {
                _ = try? await Self.run("/usr/bin/umount", ["-l", mountPoint])
            }
        }
        if let attached = try? await Program("/usr/sbin/losetup", ["-j", image]).result(), attached.succeeded {
            for line in attached.output.split(separator: "\n") {
                if let device = line.split(separator: ":").first {
                    _ = try? await Program("/usr/sbin/losetup", ["-d", String(device)]).result()
                }
            }
        }
        try? FileManager.default.removeItem(atPath: image)
        if !Self.isMounted(mountPoint) { try? FileManager.default.removeItem(atPath: mountPoint) }
    }

    /// Bytes in use on the file system.
    func usedBytes() -> Int64 {
        var stats = statvfs()
        guard statvfs(mountPoint, &stats) == 0 else { return 0 }
        return Int64(stats.f_blocks - stats.f_bfree) * Int64(stats.f_frsize)
    }

    /// Takes down what a killed test run left: mounts of ours whose process is gone, with any
    /// server still running on them.
    private static func sweepStale() async {
        let temporary = FileManager.default.temporaryDirectory.path + "/" + prefix
        for point in mountPoints() where point.hasPrefix(temporary) {
            guard let pid = Int32(point.dropFirst(temporary.count).prefix { $0.isNumber }), kill(pid, 0) != 0 else { continue }
            let cluster = EmbeddedCluster(directory: point + "/cluster")
            if let (postmaster, _) = cluster.postmaster() { kill(postmaster, SIGQUIT) }
            await LoopXFS(image: point + ".img", mountPoint: point).remove()
        }
    }

    private static func mountPoints() -> [String] {
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        return mounts.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count > 1 ? String(fields[1]) : nil
        }
    }

    private static func isMounted(_ point: String) -> Bool { mountPoints().contains(point) }

    @discardableResult
    private static func run(_ program: String, _ arguments: [String]) async throws -> ProgramResult {
        try await Program(program, arguments).run()
    }
}

/// The PostgreSQL programs the tests run on, and others installed beside them.
enum TestPrograms {
    /// The major version of the programs the tests use (ODB_PG_BINDIR, else odb's own choice).
    static func majorVersion() async -> Int? {
        guard let programs = try? await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment) else {
            return nil
        }
        return try? await programs.majorVersion()
    }

    /// Programs of two different major versions, oldest first, among Debian's and those
    /// Scripts/setup installs (/opt/odb/postgresql-*).
    static func twoVersions() async -> (older: PostgresPrograms, newer: PostgresPrograms)? {
        var folders: [String] = []
        for parent in ["/usr/lib/postgresql", "/opt/odb"] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
                folders.append("\(parent)/\(name)/bin")
            }
        }
        var found: [Int: PostgresPrograms] = [:]
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/postgres") {
            let programs = PostgresPrograms(binDirectory: folder)
            if let major = try? await programs.majorVersion(), found[major] == nil { found[major] = programs }
        }
        let versions = found.keys.sorted()
        guard let oldest = versions.first, let newest = versions.last, oldest != newest else { return nil }
        return (found[oldest]!, found[newest]!)
    }
}
