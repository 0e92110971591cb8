import Foundation

extension Program {
    /// Replaces odb with the program (execve), for `odb psql`: psql is interactive, so once it
    /// starts odb has nothing left to do, and psql should own the terminal, its signals (Ctrl-C
    /// cancels a query, not odb's wait for it; Ctrl-Z suspends psql itself) and the exit status,
    /// exactly as if the user had typed the command. The program gets default signals, an empty
    /// signal mask and its explicit environment; the timeout does not apply (nothing is left
    /// to enforce it) and it runs as odb's own user. Returns only by throwing, when exec fails.
    public func replacingThisProcess() throws -> Never {
        guard user == nil else {
            throw ProgramError(program: name, reason: .couldNotRun("a program that replaces odb runs as odb's own user"))
        }
        let path = try resolvedPath()
        if let workingDirectory, chdir(workingDirectory) != 0 {
            throw ProgramError(
                program: name, reason: .couldNotRun("cannot enter \(workingDirectory): \(String(cString: strerror(errno)))"))
        }
        // Ignored signals and the signal mask survive exec; handlers do not.
        for signal in 1..<Int32(64) where signal != SIGKILL && signal != SIGSTOP { _ = Glibc.signal(signal, SIG_DFL) }
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        let error = withCStrings([path] + arguments) { argv in
            withCStrings(resolvedEnvironment().map { "\($0.key)=\($0.value)" }) { envp in
                execve(path, argv, envp)
                return errno
            }
        }
        throw ProgramError(program: name, reason: .couldNotRun(String(cString: strerror(error))))
    }
}
