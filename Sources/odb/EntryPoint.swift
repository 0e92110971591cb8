import ArgumentParser
import Foundation
import Revisions

extension ODB {
    /// Runs the command; a mistake on the command line gets one line, as odb's own errors do,
    /// rather than the usage text (which `--help` shows).
    static func main() async {
        Interruption.shared.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--version" {
            print(arguments.contains("--json") ? OdbVersion.json : OdbVersion.text)
            return
        }
        if let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) {
            ProgressLine.standardError.print(Text.unknownCommand(first, closest: closestCommand(to: first)))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            ProgressLine.standardError.print(Text.usageError(message(for: error)))
            Foundation.exit(code.rawValue)
        }
    }
}

extension ODB {
    /// The names odb answers to at the top level, the parser's own included.
    static var commandNames: Set<String> {
        Set(configuration.subcommands.map { $0._commandName }).union(["help"])
    }

    /// The command closest to a mistyped one: by edit distance, or what a git or Mercurial user
    /// would type for it (`summary` → `info`, `update` → `revert`).
    static func closestCommand(to name: String) -> String? {
        let habits = [
            "st": "status", "summary": "info", "id": "info", "co": "revert",
            "update": "revert", "up": "revert", "reset": "revert", "ci": "commit", "history": "log", "branch": "log",
            "start": "server start", "stop": "server stop", "shell": "psql", "run": "exec", "forget": "untrack",
            "remove": "untrack", "rm": "untrack", "version": "--version",
        ]
        if let habit = habits[name.lowercased()] { return habit }
        let scored = commandNames.subtracting(["help"]).map { ($0, editDistance(name.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }), best.1 <= 2 else {
            return nil
        }
        return best.0
    }
}

/// Levenshtein distance, for suggesting commands.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1]
        for (j, y) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
