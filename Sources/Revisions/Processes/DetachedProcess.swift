import CLibPQ
import Foundation

extension Program {
    /// Starts the program in a session of its own, with no terminal, stdin, stdout and stderr on
    /// /dev/null and default signals, and does not wait for it: it outlives odb (the background
    /// `odb maintain`). It has no timeout, since nothing is left to enforce one, and runs as
    /// odb's own user in odb's own folder.
    public func startDetached() throws {
        guard user == nil, workingDirectory == nil else {
            throw ProgramError(program: name, reason: .couldNotRun("a detached program runs as odb's own user, in odb's folder"))
        }
        let path = try resolvedPath()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // odb ignores SIGPIPE and may block signals it waits for; the worker starts afresh.
        var signals = sigset_t()
        sigfillset(&signals)
        sigdelset(&signals, SIGKILL)
        sigdelset(&signals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        posix_spawnattr_setflags(
            &attributes, ODB_POSIX_SPAWN_SETSID | Int16(POSIX_SPAWN_SETSIGDEF) | Int16(POSIX_SPAWN_SETSIGMASK))
        let status = withCStrings([path] + arguments) { argv in
            withCStrings(resolvedEnvironment().map { "\($0.key)=\($0.value)" }) { envp in
                var pid: pid_t = 0
                return posix_spawn(&pid, path, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else {
            throw ProgramError(program: name, reason: .couldNotRun(String(cString: strerror(status))))
        }
    }
}

/// `strings` as a NULL-terminated array of C strings, as exec and spawn take them, freed after `body`.
func withCStrings<Result>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
    let copies = strings.map { strdup($0) } + [nil]
    defer { for copy in copies { free(copy) } }
    return body(copies)
}
