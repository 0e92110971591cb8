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
        if let user {
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
