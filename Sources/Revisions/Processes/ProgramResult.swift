import Foundation

/// How a program ended: its exit status, or the signal that ended it.
public enum ProgramStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    public var succeeded: Bool { self == .exited(0) }

    /// "exit status 1", "signal 9": how shells and PostgreSQL's programs say it.
    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signalled(let signal): "signal \(signal)"
        }
    }
}

/// What a program printed and how it ended.
public struct ProgramResult: Sendable {
    /// The program's name (the last one's, for a pipeline).
    public let program: String
    public let termination: ProgramStatus
    /// stdout, when it was collected (as UTF-8, invalid bytes replaced).
    public let output: String
    /// The end of stderr (its last 64 KiB), as UTF-8.
    public let errorOutput: String

    public var succeeded: Bool { termination.succeeded }
    /// "exit status 0", "signal 9".
    public var status: String { termination.description }

    /// The most useful line of what went wrong: the last non-empty line of stderr, else stdout.
    public var lastErrorLine: String {
        let lines = (errorOutput + "\n" + output).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.last { !$0.isEmpty } ?? status
    }

    /// Itself when the program succeeded, else the ``ProgramError`` that says how it failed.
    public func checked() throws(ProgramError) -> ProgramResult {
        guard succeeded else {
            throw ProgramError(program: program, reason: .failed(termination), errorOutput: errorOutput)
        }
        return self
    }
}

/// A program that could not start, failed, ran out of time or printed too much. Its description
/// is one line: the program's name, what happened, and the last line it wrote on stderr.
public struct ProgramError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// It could not be started (not found, not executable, no such working directory, …), or
        /// its pipes failed.
        case couldNotRun(String)
        /// It ended with a non-zero status or a signal.
        case failed(ProgramStatus)
        /// It ran past its ``Program/timeout`` and was ended.
        case timedOut(after: Duration)
        /// Its collected stdout passed the limit, and it was ended.
        case outputTooLong(limit: Int)
        /// It exited successfully without reading all the input odb had for it.
        case stoppedReading
    }

    /// The program's name (`pg_dump`), never its arguments or environment.
    public let program: String
    public let reason: Reason
    /// Its last non-empty lines on stderr (at most ``ProgramError/keptLines``), trimmed.
    public let errorLines: [String]

    /// How many of the last stderr lines an error keeps.
    public static let keptLines = 10

    public init(program: String, reason: Reason, errorOutput: String = "") {
        self.program = program
        self.reason = reason
        errorLines = Array(
            errorOutput.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.suffix(Self.keptLines))
    }

    /// The last line the program wrote on stderr, if any.
    public var lastErrorLine: String? { errorLines.last }

    public var description: String {
        let what =
            switch reason {
            case .couldNotRun(let why): "could not run \(program): \(why)"
            case .failed(let status): "\(program) failed (\(status))"
            case .timedOut(let after): "\(program) did not finish within \(after) and was stopped"
            case .outputTooLong(let limit): "\(program) printed more than \(limit) bytes and was stopped"
            case .stoppedReading: "\(program) exited before reading all its input"
            }
        return lastErrorLine.map { "\(what): \($0)" } ?? what
    }
}
