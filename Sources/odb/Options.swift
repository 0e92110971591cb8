import ArgumentParser
import Foundation
import Revisions

/// Which server and control database a command works on, and which tracked database.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var server: ServerOptions

    @Option(name: [.short, .long], help: "The tracked database to work on (default: the project's current one).")
    var database: String?

    var workspaceOptions: Workspace.Options { server.workspaceOptions }
    func open() async throws -> Workspace { try await server.open() }
}

/// Which server and control database a command works on.
struct ServerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Connection URL or conninfo of the server (default: ODB_URL, then PG* variables, then the embedded cluster).")
    var url: String?

    @Option(name: .customLong("control-db"), help: "The database holding odb's metadata.")
    var controlDatabase: String = ProcessInfo.processInfo.environment["ODB_CONTROL_DB"] ?? ControlDatabase.defaultName

    var workspaceOptions: Workspace.Options {
        Workspace.Options(url: url, controlDatabase: controlDatabase)
    }

    func open() async throws -> Workspace {
        try await Workspace.open(workspaceOptions)
    }
}

/// How a command prints.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Say more about what odb does.")
    var verbose = false

    /// Prints a value as JSON, or its text for people.
    func emit<T: Encodable>(_ value: T, text: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else if !quiet {
            print(text())
        }
    }

    /// Reports what odb did along the way on stderr, so stdout stays the command's answer.
    func report(_ event: Event) {
        guard !quiet else { return }
        let line: String
        switch event {
        case .waitingForLock(let database, let holder):
            line = "waiting for another odb (\(holder)) working on '\(database)'…"
        case .endedSessions(let database, let sessions):
            line =
                "ended \(sessions.count) connection\(sessions.count == 1 ? "" : "s") to '\(database)': "
                + sessions.map(\.description).joined(separator: ", ")
        case .recovered(let database, let operation, let outcome):
            line = "an interrupted \(operation) on '\(database)' was \(outcome)"
        case .copying(let progress):
            ProgressLine.standardError.show(progress)
            return
        case .skippedSpare(let number, let reason):
            line = "no spare for revision \(number): \(reason)"
        case .rolesMissing(let database, let roles):
            line =
                "the roles \(roles.joined(separator: ", ")) no longer exist: their ownership, grants and settings "
                + "were not restored on \(database)"
        default:
            guard verbose, let text = Self.detail(event) else { return }
            line = text
        }
        ProgressLine.standardError.clear()
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// What `-v` adds.
    private static func detail(_ event: Event) -> String? {
        switch event {
        case .droppedRevision(let number, let database): "dropped revision \(number) (\(database))"
        case .copied(let report):
            "copied '\(report.source)' to '\(report.target)' (\(formatBytes(report.size))) "
                + "with \(report.strategy?.label ?? "FILE_COPY") in \(String(format: "%.2f", report.seconds)) s: \(report.reason)"
        case .waitingForSpare(let number): "waiting for the spare of revision \(number), which is being built"
        case .usedSpare(let number, let database): "swapped in the spare of revision \(number) (\(database)): a rename, no copy"
        case .builtSpare(let number, let database): "built a spare of revision \(number) (\(database))"
        case .droppedSpare(let number, let database): "dropped the spare of revision \(number) (\(database))"
        case .droppedDiscarded(let database): "dropped the replaced database \(database)"
        case .cloneUnavailable(let reason): "cannot clone, copying instead: \(reason)"
        default: nil
        }
    }
}

/// The one line of progress a long copy shows on a terminal, redrawn in place and cleared before
/// anything else is printed. Silent when stderr is not a terminal.
final class ProgressLine: @unchecked Sendable {
    static let standardError = ProgressLine()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var shown = false

    func show(_ progress: CopyProgress) {
        guard isTerminal, progress.elapsed >= .milliseconds(500) else { return }
        let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
        var text = "copying \(progress.source) → \(progress.target): "
        if let done = progress.done, progress.total > 0 {
            text += "\(formatBytes(done)) of \(formatBytes(progress.total)) (\(min(100, done * 100 / progress.total))%), "
        } else {
            text += "\(formatBytes(progress.total)), "
        }
        text += String(format: "%.1f s", seconds)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }

    func clear() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}

/// Runs a command's body, turning odb's errors into one line on stderr and exit status 1.
func failing(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as OdbError {
        throw fail(error.description)
    } catch let error as PostgresError {
        throw fail(OdbError(lostConnection: error)?.description ?? error.description)
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        throw fail(String(describing: error))
    }
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("odb: \(oneLine(message))\n".utf8))
    return ExitCode.failure
}

/// An error message as one line: control characters a user typed (newlines, escape sequences)
/// are shown escaped, so they can neither split the line nor drive the terminal.
func oneLine(_ message: String) -> String {
    var line = ""
    for scalar in message.unicodeScalars {
        if scalar.properties.generalCategory == .control {
            line += scalar.escaped(asASCII: true)
        } else {
            line.unicodeScalars.append(scalar)
        }
    }
    return line
}

func formatBytes(_ bytes: Int64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}

/// odb drops replaced databases and builds spares in a background `odb maintain`, unless
/// ODB_BACKGROUND=0 (then a revert drops what it replaced before returning, and no spares are built).
var backgroundWork: Bool { ProcessInfo.processInfo.environment["ODB_BACKGROUND"] != "0" }

/// How a command that copies or replaces the working database treats other sessions on it, and
/// how it copies.
struct ChangeOptions: ParsableArguments {
    @Flag(name: .customLong("no-terminate"), help: "Refuse instead of ending other connections to the database.")
    var noTerminate = false

    @Option(help: "How PostgreSQL copies: auto (a clone where it works, else the faster), clone, wal_log or file_copy.")
    var strategy: StrategyChoice = .auto

    enum StrategyChoice: String, ExpressibleByArgument, CaseIterable {
        case auto
        case walLog = "wal_log"
        case fileCopy = "file_copy"
        case clone
    }

    /// Runs `change` on the tracked database, then leaves the tidying (dropping what a revert
    /// replaced, rebuilding spares) to a background worker, when there is one.
    func run<T>(
        _ connection: ConnectionOptions, _ output: OutputOptions, _ change: (Repository) async throws -> T
    ) async throws -> T {
        let workspace = try await connection.open()
        let options = Repository.Options(
            terminate: !noTerminate, strategy: strategy == .auto ? nil : CopyStrategy(rawValue: strategy.rawValue),
            background: backgroundWork)
        let repository = try workspace.repository(connection.database, options: options, events: output.report)
        let outcome = try await change(repository)
        if backgroundWork { try? workspace.startMaintenance(of: repository.database) }
        return outcome
    }
}
