import ArgumentParser
import Foundation
import Revisions

/// Asks before a command drops databases, unless `-y` was given: `question` on a terminal, and
/// without one the refusal that says `-y` is needed. Declined, it says `declined` and exits 1:
/// nothing was done, and a script must not take that for done.
func confirmDropping(_ what: String, question: String, declined: String, yes: Bool) throws {
    if yes { return }
    guard isatty(STDIN_FILENO) == 1 else { throw OdbError.confirmationRequired(what) }
    print(question)
    print("Confirm? [y/N] ", terminator: "")
    guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
        ProgressLine.standardError.print(declined)
        throw ExitCode(1)
    }
}
