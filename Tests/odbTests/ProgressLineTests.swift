import Synchronization
import Testing

@testable import Revisions
@testable import odb

@Suite struct ProgressLineTests {
    /// What a progress line wrote, in order.
    final class Sink: Sendable {
        let writes = Mutex<[String]>([])
        func write(_ text: String) { writes.withLock { $0.append(text) } }
        var all: [String] { writes.withLock { $0 } }
    }

    static let clear = "\r\u{1B}[K"

    func progress(after elapsed: Duration) -> CopyProgress {
        CopyProgress(source: "a", target: "b", done: 512, total: 1024, elapsed: elapsed)
    }

    @Test func drawnOnATerminalAfterHalfASecondThenClearedBeforeTheNextLine() {
        let sink = Sink()
        let line = ProgressLine(isTerminal: true, write: sink.write)
        line.show(progress(after: .milliseconds(499)))
        line.print("before")
        line.show(progress(after: .milliseconds(500)))
        line.show(progress(after: .seconds(1)))
        line.print("after")
        line.print("again")
        #expect(
            sink.all == [
                "before\n", Self.clear + "copying 'a': 512 B of 1.0 kB (50%), 0.5 s",
                Self.clear + "copying 'a': 512 B of 1.0 kB (50%), 1.0 s", Self.clear + "after\n", "again\n",
            ])
    }

    /// A finished copy clears its line, so that the command's answer starts a line of its own.
    @Test func clearedOnlyWhenShown() {
        let sink = Sink()
        let line = ProgressLine(isTerminal: true, write: sink.write)
        line.clear()
        line.show(progress(after: .seconds(1)))
        line.clear()
        line.clear()
        line.print("done")
        #expect(sink.all == [Self.clear + "copying 'a': 512 B of 1.0 kB (50%), 1.0 s", Self.clear, "done\n"])
    }

    @Test func silentOffATerminal() {
        let sink = Sink()
        let line = ProgressLine(isTerminal: false, write: sink.write)
        line.show(progress(after: .seconds(3)))
        line.print("odb: something went wrong")
        #expect(sink.all == ["odb: something went wrong\n"])
    }

    /// Progress and lines from many tasks at once: every write is whole, and a line is cleared
    /// first exactly when a progress redraw came before it.
    @Test func concurrentRedrawsAndLinesStayWhole() async {
        let sink = Sink()
        let line = ProgressLine(isTerminal: true, write: sink.write)
        await withTaskGroup { group in
            for task in 0..<8 {
                group.addTask {
                    for step in 0..<200 {
                        if (task + step) % 3 == 0 {
                            line.print("line \(task) \(step)")
                        } else {
                            line.show(progress(after: .seconds(1)))
                        }
                    }
                }
            }
        }
        var shown = false
        for write in sink.all {
            if write.hasSuffix("\n") {
                #expect(write.hasPrefix(Self.clear) == shown)
                #expect(write.dropFirst(shown ? Self.clear.count : 0).hasPrefix("line "))
                shown = false
            } else {
                #expect(write == Self.clear + "copying 'a': 512 B of 1.0 kB (50%), 1.0 s")
                shown = true
            }
        }
        #expect(sink.all.count == 8 * 200)
    }
}
