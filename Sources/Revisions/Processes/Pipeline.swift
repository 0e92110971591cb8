import CLibPQ
import Foundation

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Programs run side by side, each one's stdout feeding the next one's stdin through an OS pipe,
/// as a shell's `a | b | c`: the bytes between them never pass through odb, so their size is
/// not bounded by odb's memory. Each program keeps its own environment, user and timeout.
///
/// A pipeline succeeds only when every program does, so that a failing `pg_dump` can never
/// leave an empty dump that looks complete. Its error names the program that failed and ends
/// with that program's last stderr line; a program ended by SIGPIPE because the one after it
/// stopped reading is named only when no other program failed.
///
/// ```swift
/// let dump = Program(pgDump, ["--format=custom", database], environment: .inherited(changing: ["PGPASSWORD": password]))
/// try await dump.piped(into: Program("rclone", ["rcat", "remote:odb/\(name)"])).run(output: .discarded)
/// ```
public struct Pipeline: Sendable, CustomStringConvertible {
    public var programs: [Program]

    public init(_ programs: [Program]) {
        precondition(!programs.isEmpty, "a pipeline runs at least one program")
        self.programs = programs
    }

    /// This pipeline with `next` at its end.
    public func piped(into next: Program) -> Pipeline {
        Pipeline(programs + [next])
    }

    public var description: String { programs.map(\.description).joined(separator: " | ") }

    /// Runs every program to its end; returns the last one's output and stderr. Throws
    /// ``ProgramError`` when any of them fails, times out, or the last prints more than
    /// `output`'s limit.
    @discardableResult
    public func run(input: ProgramInput = .none, output: ProgramOutput = .collected()) async throws -> ProgramResult {
        let launched = try await launchAll(input: input, output: output)
        if let failure = failure(of: launched) { throw failure }
        return result(of: launched)
    }

    /// Runs every program to its end with the last one's stdout handed to `body` chunk by chunk;
    /// returns what `body` returns once every program has succeeded.
    public func run<Value: Sendable>(
        input: ProgramInput = .none, readingOutput body: @escaping @Sendable (ProgramOutputStream) async throws -> Value
    ) async throws -> Value {
        let launched = try await launchAll(input: input, output: .read(body))
        if let failure = failure(of: launched) { throw failure }
        return launched.last!.value!
    }

    /// Runs every program to its end and returns the last one's result, failed or not.
    func result(input: ProgramInput, output: ProgramOutput) async throws -> ProgramResult {
        result(of: try await launchAll(input: input, output: output))
    }

    // MARK: Running

    /// Starts every program at once, each in a task of its own under its own timeout, joined by
    /// pipes, and waits for them all. When one cannot run or times out, or the task is cancelled,
    /// the others are ended too before this throws.
    private func launchAll<Value: Sendable>(
        input: ProgramInput, output: Drain<Value>, closingAfterLast outputOwned: FileDescriptor? = nil
    ) async throws -> [Launched<Value>] {
        _ = Self.ignoringBrokenPipes
        let ends: Ends
        do {
            ends = try Ends(count: programs.count, input: input)
        } catch {
            try? outputOwned?.close()
            throw error
        }
        var stages: [(Program, Feed, Drain<Value>, [FileDescriptor])] = []
        for (index, program) in programs.enumerated() {
            let last = index == programs.count - 1
            let drain = last ? output : .descriptor(ends.pipes[index].writeEnd)
            let owned = ends.owned[index] + (last ? outputOwned.map { [$0] } ?? [] : [])
            stages.append((program, ends.feeds[index], drain, owned))
        }
        return try await withThrowingTaskGroup(of: (Int, Launched<Value>).self) { group in
            for (index, (program, feed, drain, owned)) in stages.enumerated() {
                group.addTask {
                    // The stage's ends of its pipes are closed as soon as it has exited: the one
                    // after it then sees end of file, the one before it a broken pipe.
                    defer { for descriptor in owned { try? descriptor.close() } }
                    return (index, try await program.withTimeout { child in try await program.launch(feed, drain, child: child) })
                }
            }
            var launched = [Launched<Value>?](repeating: nil, count: programs.count)
            for try await (index, stage) in group { launched[index] = stage }
            return launched.map { $0! }
        }
    }

    /// Runs the pipeline with the last program's stdout going to `output`.
    private func launchAll(input: ProgramInput, output: ProgramOutput) async throws -> [Launched<String>] {
        switch output.destination {
        case .descriptor(let descriptor):
            return try await launchAll(input: input, output: Drain<String>.descriptor(descriptor))
        case .discarded:
            let devNull = try Self.devNull(.writeOnly)
            return try await launchAll(input: input, output: Drain<String>.descriptor(devNull), closingAfterLast: devNull)
        case .collected(let limit):
            let name = programs.last!.name
            return try await launchAll(
                input: input,
                output: Drain<String>.read { stream in
                    var bytes: [UInt8] = []
                    for try await chunk in stream {
                        bytes.append(contentsOf: chunk)
                        if bytes.count > limit { throw ProgramError(program: name, reason: .outputTooLong(limit: limit)) }
                    }
                    return String(decoding: bytes, as: UTF8.self)
                })
        }
    }

    /// The error to report: the first program that failed other than by a broken pipe, else the
    /// first that failed at all, else the first that stopped reading its input early.
    private func failure<Value>(of launched: [Launched<Value>]) -> ProgramError? {
        let stages = zip(programs, launched)
        let failed = stages.filter { !$0.1.status.succeeded }
        if case (let program, let stage)? = failed.first(where: { $0.1.status != .signalled(SIGPIPE) }) ?? failed.first {
            return ProgramError(program: program.name, reason: .failed(stage.status), errorOutput: stage.errorOutput)
        }
        if case (let program, let stage)? = stages.first(where: { $0.1.inputRefused }) {
            return ProgramError(program: program.name, reason: .stoppedReading, errorOutput: stage.errorOutput)
        }
        return nil
    }

    private func result(of launched: [Launched<String>]) -> ProgramResult {
        let last = launched.last!
        return ProgramResult(
            program: programs.last!.name, termination: last.status, output: last.value ?? "", errorOutput: last.errorOutput)
    }

    /// odb writes into pipes whose reader may exit at any moment: that must be an error odb
    /// reports (EPIPE), not a SIGPIPE that kills it. Programs odb starts get default signals back.
    private static let ignoringBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    static func devNull(_ mode: FileDescriptor.AccessMode) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open("/dev/null", mode, options: .closeOnExec)
        } catch {
            throw ProgramError(program: "/dev/null", reason: .couldNotRun("\(error)"))
        }
    }
}

/// The descriptors of a pipeline: its first program's stdin, the pipes between its programs,
/// and which program closes which descriptor once it has exited.
private struct Ends {
    var feeds: [Feed] = []
    var pipes: [(readEnd: FileDescriptor, writeEnd: FileDescriptor)] = []
    var owned: [[FileDescriptor]]

    init(count: Int, input: ProgramInput) throws {
        owned = Array(repeating: [], count: count)
        do {
            switch input.source {
            case .nothing:
                let devNull = try Pipeline.devNull(.readOnly)
                owned[0].append(devNull)
                feeds.append(.descriptor(devNull))
            case .descriptor(let descriptor): feeds.append(.descriptor(descriptor))
            case .written(let body): feeds.append(.written(body))
            }
            for index in 1..<max(count, 1) {
                var descriptors: [Int32] = [-1, -1]
                guard pipe2(&descriptors, O_CLOEXEC) == 0 else {
                    throw ProgramError(program: "pipe", reason: .couldNotRun(String(cString: strerror(errno))))
                }
                let pipe = (readEnd: FileDescriptor(rawValue: descriptors[0]), writeEnd: FileDescriptor(rawValue: descriptors[1]))
                pipes.append(pipe)
                owned[index - 1].append(pipe.writeEnd)
                owned[index].append(pipe.readEnd)
                feeds.append(.descriptor(pipe.readEnd))
            }
        } catch {
            for descriptor in owned.joined() { try? descriptor.close() }
            throw error
        }
    }
}
