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
    @Option(name: .long, help: "Connection URL or conninfo of the server (default: ODB_URL, then PG* variables, then the embedded cluster).")
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
            line = "ended \(sessions.count) connection\(sessions.count == 1 ? "" : "s") to '\(database)': "
                + sessions.map(\.description).joined(separator: ", ")
        case .recovered(let database, let operation, let outcome):
            line = "an interrupted \(operation) on '\(database)' was \(outcome)"
        case .droppedRevision(let number, let database):
            guard verbose else { return }
            line = "dropped revision \(number) (\(database))"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Runs a command's body, turning odb's errors into one line on stderr and exit status 1.
func failing(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as OdbError {
        throw fail(error.description)
    } catch let error as PostgresError {
        throw fail(error.description)
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        throw fail(String(describing: error))
    }
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("odb: \(message)\n".utf8))
    return ExitCode.failure
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

/// How a command that copies or replaces the working database treats other sessions on it.
struct ChangeOptions: ParsableArguments {
    @Flag(name: .customLong("no-terminate"), help: "Refuse instead of ending other connections to the database.")
    var noTerminate = false

    func repository(_ connection: ConnectionOptions, _ output: OutputOptions) async throws -> Repository {
        try await connection.open().repository(
            connection.database, options: .init(terminate: !noTerminate), events: output.report)
    }
}
