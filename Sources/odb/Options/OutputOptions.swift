import ArgumentParser
import Foundation
import Revisions

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
        ProgressLine.standardError.print(line)
    }

    /// What `-v` adds.
    private static func detail(_ event: Event) -> String? {
        switch event {
        case .droppedRevision(let number, let database): "dropped revision \(number) (\(database))"
        case .copied(let report):
            "copied '\(report.source)' to '\(report.target)' (\(formatBytes(report.size))) "
                + "with \(report.strategy?.rawValue.uppercased() ?? "FILE_COPY") in \(String(format: "%.2f", report.seconds)) s: \(report.reason)"
        case .waitingForSpare(let number): "waiting for the spare of revision \(number), which is being built"
        case .usedSpare(let number, let database): "swapped in the spare of revision \(number) (\(database)): a rename, no copy"
        case .builtSpare(let number, let database): "built a spare of revision \(number) (\(database))"
        case .droppedSpare(let number, let database): "dropped the spare of revision \(number) (\(database))"
        case .droppedDiscarded(let database): "dropped the replaced database \(database)"
        default: nil
        }
    }
}
