import CLibPQ
import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// What a program printed and how it ended.
public struct ProgramResult: Sendable {
    public let succeeded: Bool
    public let status: String
    public let output: String
    public let errorOutput: String

    /// The most useful line of what went wrong: the last non-empty line of stderr, else stdout.
    public var lastErrorLine: String {
        let lines = (errorOutput + "\n" + output).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.last { !$0.isEmpty } ?? status
    }
}

/// A local user account, for running PostgreSQL's server programs as someone other than root.
public struct SystemUser: Sendable, Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    public static func named(_ name: String) -> SystemUser? {
        guard let entry = getpwnam(name) else { return nil }
        return SystemUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    public static var isRoot: Bool { geteuid() == 0 }

    /// The groups this user belongs to, for deciding what it may reach.
    var groups: [gid_t] {
        var count: Int32 = 64
        var groups: [gid_t] = Array(repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            groups = Array(repeating: 0, count: Int(count))
            _ = getgrouplist(name, gid, &groups, &count)
        }
        return Array(groups.prefix(Int(max(count, 0))))
    }

    /// Whether this user may walk down to `path`: execute permission on it and every folder above.
    func canReach(_ path: String) -> Bool {
        let groups = Set(groups)
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var info = stat()
            guard stat(current.path, &info) == 0 else { return false }
            let mode = info.st_mode
            let allowed =
                if info.st_uid == uid { mode & S_IXUSR != 0 } else if groups.contains(info.st_gid) { mode & S_IXGRP != 0 } else {
                    mode & S_IXOTH != 0
                }
            if !allowed { return false }
            if current.path == "/" { return true }
            current.deleteLastPathComponent()
        }
    }
}

/// Runs programs with argument arrays, never through a shell.
enum Programs {
    static func run(
        _ executable: String,
        _ arguments: [String],
        as user: SystemUser? = nil,
        environment: [String: String?] = [:],
        workingDirectory: String? = nil
    ) async throws -> ProgramResult {
        var options = PlatformOptions()
        var (executable, arguments) = (executable, arguments)
        if let user, let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile) {
            // Subprocess switches users in a child made with a raw clone3, where glibc's setgid can
            // wait forever for the parent's threads; setpriv switches in a process of its own.
            arguments = ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--init-groups", "--", executable] + arguments
            executable = setpriv
        } else if let user {
            options.supplementaryGroups = user.groups
            options.groupID = user.gid
            options.userID = user.uid
        }
        let result = try await Subprocess.run(
            .path(FilePath(executable)),
            arguments: Arguments(arguments),
            environment: .inherit.updating(environment.reduce(into: [:]) { $0[.init(stringLiteral: $1.key)] = $1.value }),
            workingDirectory: workingDirectory.map { FilePath($0) },
            platformOptions: options,
            output: .string(limit: 4 << 20),
            error: .string(limit: 4 << 20)
        )
        let status: String
        switch result.terminationStatus {
        case .exited(let code): status = "exit status \(code)"
        case .signaled(let signal): status = "signal \(signal)"
        }
        return ProgramResult(
            succeeded: result.terminationStatus.isSuccess,
            status: status,
            output: result.standardOutput,
            errorOutput: result.standardError
        )
    }
}

/// PostgreSQL's own programs (`initdb`, `pg_ctl`, `psql`, …), found in one folder.
public struct PostgresPrograms: Sendable {
    public let binDirectory: String

    /// `ODB_PG_BINDIR` when set, else `pg_config --bindir`, else the newest
    /// `/usr/lib/postgresql/*/bin`, else the folder of `initdb` on `PATH`.
    public static func locate(environment: [String: String]) async throws -> PostgresPrograms {
        if let explicit = environment["ODB_PG_BINDIR"], !explicit.isEmpty {
            return PostgresPrograms(binDirectory: explicit)
        }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        if let pgConfig = findOnPath("pg_config", path: path),
            let result = try? await Programs.run(pgConfig, ["--bindir"]), result.succeeded
        {
            let folder = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if FileManager.default.isExecutableFile(atPath: folder + "/initdb") {
                return PostgresPrograms(binDirectory: folder)
            }
        }
        let debian = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []
        if let newest = versions.compactMap(Int.init).sorted().last {
            return PostgresPrograms(binDirectory: "\(debian)/\(newest)/bin")
        }
        if let initdb = findOnPath("initdb", path: path) {
            return PostgresPrograms(binDirectory: URL(fileURLWithPath: initdb).deletingLastPathComponent().path)
        }
        throw OdbError.programMissing("initdb")
    }

    /// The full path of one program, or a clear error naming the package to install.
    public func path(of program: String) throws -> String {
        let candidate = binDirectory + "/" + program
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw OdbError.programMissing(program)
        }
        return candidate
    }

    static func findOnPath(_ name: String, path: String) -> String? {
        path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}

extension Programs {
    /// Starts `executable` in a session of its own, with no terminal and stdin/stdout/stderr on
    /// /dev/null, and does not wait for it: it outlives this process. Arguments go as an array,
    /// never through a shell.
    public static func spawnDetached(_ executable: String, arguments: [String], environment: [String: String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, ODB_POSIX_SPAWN_SETSID)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for copy in argv + envp { free(copy) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw OdbError.server(action: "start \(executable)", error: String(cString: strerror(status)))
        }
    }
}
