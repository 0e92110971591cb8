import ArgumentParser
import Foundation
import Revisions

extension ODB {
    /// Runs the command; a mistake on the command line gets one line, as odb's own errors do,
    /// rather than the usage text (which `--help` shows).
    static func main() async {
        Interruption.shared.install()
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
