import Foundation
import Revisions

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
