import Foundation
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

// The one place odb calls swift-subprocess. It spawns (posix_spawn, or fork and exec to switch
// user), closes every other descriptor in the child, resets the child's signals, watches the
// child through a pidfd, and on an error or a cancelled task runs the teardown sequence
// (SIGTERM, then SIGKILL after `grace`) and waits for the child before returning.

/// Where one program's stdin comes from: a descriptor it reads itself (/dev/null, odb's stdin,
/// the read end of a pipe from the program before it), or Swift code writing to it.
enum Feed: Sendable {
    case descriptor(FileDescriptor)
    case written(@Sendable (ProgramInputWriter) async throws -> Void)
}

/// Where one program's stdout goes: a descriptor it writes itself, or Swift code reading it.
enum Drain<Value: Sendable>: Sendable {
    case descriptor(FileDescriptor)
    case read(@Sendable (ProgramOutputStream) async throws -> Value)
}

/// How one program of a run ended, whether it succeeded or not.
struct Launched<Value: Sendable>: Sendable {
    var status = ProgramStatus.exited(0)
    /// What the reader of its stdout returned, when Swift code read it.
    var value: Value?
    /// The end of its stderr.
    var errorOutput = ""
    /// Whether it stopped reading before Swift code had written all its input.
    var inputRefused = false
}

extension Program {
    /// How much of a program's stderr a run keeps: the end, where the reason for a failure is.
    static let keptErrorBytes = 64 << 10

    /// Runs the program to its end with its stdin and stdout as given and its stderr kept, and
    /// says how it ended. Throws only when it cannot run (``ProgramError``) or when the task is
    /// cancelled (`CancellationError`); in both cases the child has been ended and reaped.
    func launch<Value: Sendable>(_ feed: Feed, _ drain: Drain<Value>, child: ChildWatch) async throws -> Launched<Value> {
        try Task.checkCancellation()
        let configuration = try configuration()
        let status: TerminationStatus
        var launched: Launched<Value>
        do {
            switch (feed, drain) {
            case (.descriptor(let input), .descriptor(let output)):
                let result = try await Subprocess.run(
                    configuration, input: .fileDescriptor(input, closeAfterSpawningProcess: false),
                    output: .fileDescriptor(output, closeAfterSpawningProcess: false), error: .sequence
                ) {
                    child.started($0.processIdentifier.value)
                    return try await Self.attend(nil, feed, nil, drain, $0.standardError)
                }
                (status, launched) = (result.terminationStatus, result.closureResult)
            case (.descriptor(let input), .read):
                let result = try await Subprocess.run(
                    configuration, input: .fileDescriptor(input, closeAfterSpawningProcess: false), output: .sequence,
                    error: .sequence
                ) {
                    child.started($0.processIdentifier.value)
                    return try await Self.attend(nil, feed, $0.standardOutput, drain, $0.standardError)
                }
                (status, launched) = (result.terminationStatus, result.closureResult)
            case (.written, .descriptor(let output)):
                let result = try await Subprocess.run(
                    configuration, input: .inputWriter, output: .fileDescriptor(output, closeAfterSpawningProcess: false),
                    error: .sequence
                ) {
                    child.started($0.processIdentifier.value)
                    return try await Self.attend($0.standardInputWriter, feed, nil, drain, $0.standardError)
                }
                (status, launched) = (result.terminationStatus, result.closureResult)
            case (.written, .read):
                let result = try await Subprocess.run(
                    configuration, input: .inputWriter, output: .sequence, error: .sequence
                ) {
                    child.started($0.processIdentifier.value)
                    return try await Self.attend($0.standardInputWriter, feed, $0.standardOutput, drain, $0.standardError)
                }
                (status, launched) = (result.terminationStatus, result.closureResult)
            }
        } catch let error as SubprocessError {
            try Task.checkCancellation()
            throw ProgramError(program: name, reason: .couldNotRun(Self.reason(error)))
        }
        // Cancelled: the teardown has ended the child, whatever status that gave it.
        try Task.checkCancellation()
        switch status {
        case .exited(let code): launched.status = .exited(code)
        case .signaled(let signal): launched.status = .signalled(signal)
        }
        return launched
    }

    /// `body`, raced against the program's timeout: past it, `body`'s task is cancelled (which
    /// ends the child) and, once it has returned, the run throws ``ProgramError/Reason/timedOut(after:)``.
    ///
    /// The limit counts from the child's start, and only a child still running past it is
    /// stopped: on a busy cooperative pool, a child that ended in time can be seen to end late.
    func withTimeout<Value: Sendable>(_ body: @escaping @Sendable (ChildWatch) async throws -> Value) async throws
        -> Value
    {
        let child = ChildWatch()
        guard let timeout else { return try await body(child) }
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body(child) }
            group.addTask {
                var deadline = ContinuousClock.now + timeout
                while true {
                    try await Task.sleep(until: deadline)
                    switch child.state {
                    case .notStarted: deadline = .now + .milliseconds(100)
                    case .running(let since) where since + timeout <= .now: return nil
                    case .running(let since): deadline = since + timeout
                    case .ended: deadline = .now + .seconds(1)  // its run reports the end: this task is then cancelled
                    }
                }
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw ProgramError(program: name, reason: .timedOut(after: timeout))
            }
            return value
        }
    }

    private func configuration() throws -> Configuration {
        var options = PlatformOptions()
        var (executable, arguments) = (self.executable, self.arguments)
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
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: grace)]
        var variables: [Subprocess.Environment.Key: String] = [:]
        for (name, value) in resolvedEnvironment() {
            guard let key = Subprocess.Environment.Key(rawValue: name) else {
                throw ProgramError(program: self.name, reason: .couldNotRun("invalid environment variable name '\(name)'"))
            }
            variables[key] = value
        }
        return Configuration(
            executable: executable.contains("/") ? .path(FilePath(executable)) : .name(executable),
            arguments: Arguments(arguments), environment: .custom(variables),
            workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options)
    }

    /// What happens while the child runs: its stderr is kept, its stdin written and its stdout
    /// read by Swift code when they are, all at once so that none of them can block the others.
    private static func attend<Value: Sendable>(
        _ stdin: StandardInputWriter?, _ feed: Feed, _ stdout: SubprocessOutputSequence?, _ drain: Drain<Value>,
        _ stderr: SubprocessOutputSequence
    ) async throws -> Launched<Value> {
        try await withThrowingTaskGroup(of: Part<Value>.self) { group in
            group.addTask { .errorOutput(try await tail(of: stderr)) }
            if let stdin, case .written(let write) = feed {
                group.addTask {
                    let writer = ProgramInputWriter(base: stdin)
                    do {
                        try await write(writer)
                    } catch is ProgramInputWriter.InputRefused {
                        // The program stopped reading: its status (or a refusal) is the outcome.
                    }
                    try? await stdin.finish()
                    return .inputFinished(refused: writer.refused.isSet)
                }
            }
            if let stdout, case .read(let read) = drain {
                group.addTask { .value(try await read(ProgramOutputStream(base: stdout))) }
            }
            var launched = Launched<Value>()
            for try await part in group {
                switch part {
                case .value(let value): launched.value = value
                case .errorOutput(let text): launched.errorOutput = text
                case .inputFinished(let refused): launched.inputRefused = refused
                }
            }
            return launched
        }
    }

    /// What each of the tasks attending a child brings back.
    private enum Part<Value: Sendable>: Sendable {
        case value(Value)
        case errorOutput(String)
        case inputFinished(refused: Bool)
    }

    /// The end of a stream: its last ``keptErrorBytes``, however much passes.
    private static func tail(of stream: SubprocessOutputSequence) async throws -> String {
        var kept: [UInt8] = []
        for try await chunk in stream {
            chunk.withUnsafeBytes { kept.append(contentsOf: $0) }
            if kept.count > 2 * keptErrorBytes { kept.removeFirst(kept.count - keptErrorBytes) }
        }
        return String(decoding: kept.suffix(keptErrorBytes), as: UTF8.self)
    }

    private static func reason(_ error: SubprocessError) -> String {
        if error.code == .executableNotFound { return "not found, or not executable" }
        if let underlying = error.underlyingError { return "\(error) (\(underlying))" }
        return "\(error)"
    }
}

/// The child a launch started, for its timeout to tell one still running from one that ended
/// and is waiting to be seen.
final class ChildWatch: Sendable {
    enum State {
        case notStarted
        case running(since: ContinuousClock.Instant)
        case ended
    }

    private let started = Mutex<(pid: pid_t, at: ContinuousClock.Instant)?>(nil)

    func started(_ pid: pid_t) { started.withLock { $0 = (pid, .now) } }

    var state: State {
        guard let (pid, at) = started.withLock({ $0 }) else { return .notStarted }
        // The child is ours: gone (reaped), or a zombie (state Z, after the last ")" of its
        // stat line), it has ended.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return .ended }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
            ? .ended : .running(since: at)
    }
}
