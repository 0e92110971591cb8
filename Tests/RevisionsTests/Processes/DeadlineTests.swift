import Foundation
import Testing

@testable import Revisions

/// A run past its timeout, or whose task is cancelled, ends its child (SIGTERM, then SIGKILL
/// after the grace) and throws only once the child is gone.
@Suite(.enabled(if: processTestsIsolated, processTestsReason)) struct DeadlineTests {
    // The timeouts leave the child seconds to write its pid: on a loaded machine a shell can wait
    // that long to be scheduled, and a child ended before it wrote it proves nothing.
    @Test func aRunPastItsTimeoutEndsTheChild() async throws {
        let pid = PidFile()
        let sleeper = Program("sh", ["-c", "echo $$ > \(pid.path); exec sleep 60"], timeout: .seconds(3))
        let start = ContinuousClock.now
        await #expect(throws: ProgramError(program: "sh", reason: .timedOut(after: .seconds(3)))) {
            try await sleeper.run()
        }
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(try isGone(pid.read()))
    }

    @Test func aChildThatIgnoresSIGTERMIsKilledAfterTheGrace() async throws {
        let pid = PidFile()
        var stubborn = Program("sh", ["-c", "trap '' TERM; echo $$ > \(pid.path); exec sleep 60"], timeout: .seconds(3))
        stubborn.grace = .seconds(1)
        let start = ContinuousClock.now
        await #expect(throws: ProgramError.self) { try await stubborn.run() }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .seconds(4))
        #expect(elapsed < .seconds(30))
        #expect(try isGone(pid.read()))
    }

    @Test func cancellingTheTaskEndsTheChild() async throws {
        let pid = PidFile()
        let task = Task { try await Program("sh", ["-c", "echo $$ > \(pid.path); exec sleep 30"]).run() }
        let child = try await pid.wait()
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(isGone(child))
    }

    @Test func cancellingAPipelineEndsEveryProgramInIt() async throws {
        let first = PidFile()
        let second = PidFile()
        let pipeline = Pipeline([
            Program("sh", ["-c", "echo $$ > \(first.path); exec sleep 30"]),
            Program("sh", ["-c", "echo $$ > \(second.path); exec sleep 30"]),
        ])
        let task = Task { try await pipeline.run() }
        let children = [try await first.wait(), try await second.wait()]
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(children.allSatisfy(isGone))
    }

    @Test func aCancelledTaskStartsNothing() async throws {
        let pid = PidFile()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Program("sh", ["-c", "echo $$ > \(pid.path)"]).run()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: pid.path))
    }
}

/// A file a child writes its pid to, so that a test can check the child is gone.
struct PidFile {
    let path = FileManager.default.temporaryDirectory.path + "/odb-pid-\(UUID().uuidString)"

    func read() throws -> pid_t {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The pid, once the child has written it.
    func wait() async throws -> pid_t {
        let end = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < end {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n"),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ProgramError(program: "sh", reason: .timedOut(after: .seconds(20)))
    }
}

/// Whether no process has this pid any more (it exited and was reaped).
func isGone(_ pid: pid_t) -> Bool {
    kill(pid, 0) == -1 && errno == ESRCH
}
