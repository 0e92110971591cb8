import Foundation
import Revisions
import Synchronization

/// The one line of progress a long copy shows on a terminal, redrawn in place and cleared before
/// anything else is printed. Silent when stderr is not a terminal.
///
/// A copy reports its progress while odb may report other events or fail: whether the line is
/// shown and every write to stderr go under one lock, so a redraw never lands inside another line.
final class ProgressLine: Sendable {
    static let standardError = ProgressLine(isTerminal: isatty(STDERR_FILENO) == 1) {
        FileHandle.standardError.write(Data($0.utf8))
    }

    private let isTerminal: Bool
    private let write: @Sendable (String) -> Void
    private let shown = Mutex(false)

    /// A progress line on `write`, which receives the text as it should appear on stderr.
    init(isTerminal: Bool, write: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Redraws the line, once the copy has taken half a second.
    func show(_ progress: CopyProgress) {
        guard isTerminal, progress.elapsed >= .milliseconds(500) else { return }
        let text = Text.progress(progress)
        shown.withLock { shown in
            write("\r\u{1B}[K" + text)
            shown = true
        }
    }

    /// Clears the line, when it is shown.
    func clear() {
        shown.withLock { shown in
            if shown { write("\r\u{1B}[K") }
            shown = false
        }
    }

    /// Writes `line` and a newline, clearing the progress line first when it is shown.
    func print(_ line: String) {
        shown.withLock { shown in
            write((shown ? "\r\u{1B}[K" : "") + line + "\n")
            shown = false
        }
    }
}
