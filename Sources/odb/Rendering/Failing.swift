import ArgumentParser
import Revisions

/// Runs a command's body, turning odb's errors into one line on stderr and exit status 1, or
/// 128 + the signal's number when a signal stopped it.
func failing(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        switch OdbError.from(error) {
        case OdbError.interrupted(let signal):
            throw fail(OdbError.interrupted(signal: signal).message, status: 128 + signal)
        case let error as OdbError:
            throw fail(error.message)
        case let error:
            throw fail(String(describing: error))
        }
    }
}

/// Writes odb's one line for an error on stderr, and gives the status to exit with.
func fail(_ message: String, status: Int32 = 1) -> ExitCode {
    ProgressLine.standardError.print(Text.error(message))
    return ExitCode(status)
}

extension Text {
    /// odb's one line for an error.
    static func error(_ message: String) -> String {
        "odb: \(oneLine(message))"
    }

    /// The one line for a mistake on the command line: the parser's first line, and where the
    /// usage is.
    static func usageError(_ message: String) -> String {
        let first = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid arguments"
        return "odb: \(oneLine(first)) (see 'odb help')"
    }

    /// An error message as one line: control characters a user typed (newlines, escape sequences)
    /// are shown escaped, so they can neither split the line nor drive the terminal.
    static func oneLine(_ message: String) -> String {
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
}
