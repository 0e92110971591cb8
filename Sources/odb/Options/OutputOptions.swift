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

    /// Prints a command's answer: its JSON, or its text unless `-q`.
    func emit(_ answer: Answer) throws {
        // The answer goes to stdout, the progress line is on stderr: on one terminal, the line
        // must go first, or the answer is glued to it.
        ProgressLine.standardError.clear()
        if json {
            print(try answer.json())
        } else if !quiet {
            print(answer.text)
        }
    }

    /// Reports what odb did along the way on stderr, so stdout stays the command's answer.
    func report(_ event: Event) {
        guard !quiet else { return }
        if case .copying(let progress) = event {
            ProgressLine.standardError.show(progress)
        } else if let line = Text.event(event, verbose: verbose) {
            ProgressLine.standardError.print(line)
        } else if case .copied = event {
            // The copy is over: its progress line goes, whether or not -v reports the copy.
            ProgressLine.standardError.clear()
        }
    }
}
