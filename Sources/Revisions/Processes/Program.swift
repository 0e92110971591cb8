import Foundation

/// One external program odb runs: what, with which arguments, in which environment, where, as
/// whom, and for how long. Every program odb starts (initdb, pg_ctl, psql, pg_config, the
/// background worker, and later pg_dump, pg_restore, rclone and hooks) is described by one of
/// these and started by its methods, never by anything else.
///
/// - Arguments are an array handed to the program as they are: there is never a shell between.
/// - The environment is given explicitly (see ``Environment``). Secrets such as `PGPASSWORD`
///   belong there and only there: anyone on the machine may read a process's arguments, and
///   odb prints a program's arguments in errors, but never its environment.
/// - A run that fails throws a ``ProgramError`` carrying the program's last stderr lines, trimmed.
/// - A run longer than ``timeout`` is ended, as is a run whose Swift task is cancelled: SIGTERM,
///   then SIGKILL once ``grace`` has passed; the run returns only after the child has exited.
///
/// ```swift
/// let bindir = try await Program(pgConfig, ["--bindir"], timeout: .seconds(30)).run().output
/// ```
public struct Program: Sendable, CustomStringConvertible {
    /// A path, or a bare name looked up on the `PATH` of the program's environment.
    public var executable: String
    public var arguments: [String]
    public var environment: Environment
    /// The folder the program starts in; odb's own when nil.
    public var workingDirectory: String?
    /// The user the program runs as (odb must be root to switch); odb's own when nil.
    public var user: SystemUser?
    /// How long a run may take before the program is ended and the run throws
    /// ``ProgramError/Reason/timedOut(after:)``; no limit when nil.
    public var timeout: Duration?
    /// How long the program has to exit after SIGTERM before it gets SIGKILL.
    public var grace: Duration = .seconds(2)

    /// Where a program's environment comes from.
    public enum Environment: Sendable, Equatable {
        /// odb's own environment, with each variable given set to its value, or removed when the
        /// value is nil: what PostgreSQL's programs need (PATH, locale, PG* settings, `.pgpass`).
        case inherited(changing: [String: String?] = [:])
        /// Exactly these variables and no others: for hooks and programs that must see nothing
        /// of odb's environment.
        case exactly([String: String])
    }

    public init(
        _ executable: String, _ arguments: [String] = [], environment: Environment = .inherited(),
        workingDirectory: String? = nil, user: SystemUser? = nil, timeout: Duration? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.timeout = timeout
    }

    /// The program's name, as errors give it: the last component of its path.
    public var name: String { URL(fileURLWithPath: executable).lastPathComponent }

    /// The command line, for messages: never the environment, where secrets live.
    public var description: String { ([executable] + arguments).joined(separator: " ") }

    /// The variables the program starts with.
    public func resolvedEnvironment() -> [String: String] {
        switch environment {
        case .exactly(let variables):
            return variables
        case .inherited(let changes):
            var variables = ProcessInfo.processInfo.environment
            for (name, value) in changes { variables[name] = value }
            return variables
        }
    }

    /// The executable's full path: itself when it has a slash, else the first match on the
    /// `PATH` of the program's environment.
    func resolvedPath() throws -> String {
        if executable.contains("/") { return executable }
        let path = resolvedEnvironment()["PATH"] ?? "/usr/bin:/bin"
        guard let found = Self.find(executable, path: path) else {
            throw ProgramError(program: name, reason: .couldNotRun("not found on PATH"))
        }
        return found
    }

    /// The first executable file called `name` in the folders of `path`.
    static func find(_ name: String, path: String) -> String? {
        path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}

// MARK: - Running

extension Program {
    /// Runs the program to its end and returns what it printed; throws ``ProgramError`` when it
    /// fails, times out or prints more than `output`'s limit.
    @discardableResult
    public func run(input: ProgramInput = .none, output: ProgramOutput = .collected()) async throws -> ProgramResult {
        try await Pipeline([self]).run(input: input, output: output)
    }

    /// Runs the program to its end and returns how it ended, failed or not, for callers that
    /// look at the status themselves. It still throws when the program cannot start, times out,
    /// prints more than `output`'s limit, or its task is cancelled.
    public func result(input: ProgramInput = .none, output: ProgramOutput = .collected()) async throws -> ProgramResult {
        try await Pipeline([self]).result(input: input, output: output)
    }

    /// Runs the program with its stdout handed to `body` chunk by chunk as it comes, so that
    /// output of any size passes through bounded memory; returns what `body` returns once the
    /// program has succeeded. `body` should read to the end: a program whose output is no longer
    /// read usually dies of a broken pipe, and that is a failure.
    public func run<Value: Sendable>(
        input: ProgramInput = .none, readingOutput body: @escaping @Sendable (ProgramOutputStream) async throws -> Value
    ) async throws -> Value {
        try await Pipeline([self]).run(input: input, readingOutput: body)
    }

    /// A pipeline of this program with its stdout feeding `next`'s stdin.
    public func piped(into next: Program) -> Pipeline {
        Pipeline([self, next])
    }
}
