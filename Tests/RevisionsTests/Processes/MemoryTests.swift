import Foundation
import Synchronization
import Testing

@testable import Revisions

/// A gigabyte through odb's helpers with odb's resident memory staying under 64 MB: what a
/// pg_dump to storage, or a restore from it, will need.
///
/// How "odb's memory" is measured: the tests run inside the test process, which is odb's library
/// and whatever other tests run beside these. Each test takes the process's resident size (VmRSS
/// in /proc/self/status) before it starts, resets the kernel's high-water mark (writing 5 to
/// /proc/self/clear_refs), samples VmRSS every 10 ms while the gigabyte passes, and at the end
/// takes the larger of the highest sample and the high-water mark (which catches peaks between
/// samples). The increase over the starting size must stay under 64 MB. Buffering the stream
/// anywhere in odb would add about a gigabyte, so the bound tells the two apart with room for
/// what tests running in parallel allocate meanwhile (a few MB); the suite is serialized so that
/// its own tests never overlap.
///
/// Two paths are measured. Between two programs the bytes go through an OS pipe and never enter
/// odb: the test proves nothing is collected on the way. Where Swift code writes a program's
/// stdin or reads its stdout, every byte does pass through odb's memory, one chunk at a time:
/// those tests prove that the chunks are released as they go and that writing waits for the
/// program to read (back-pressure), rather than queueing the gigabyte.
///
/// Tests running beside these in the same process allocate too (tens of MB under load), so these
/// run in a process of their own: `ProcessesIsolation` starts this test binary again with only the
/// suite, and in the whole suite they are reported as skipped for that reason.
///
/// Alone they take seconds. In the whole suite they can take minutes: the integration tests make
/// synchronous libpq calls on Swift's cooperative threads (two on this machine), and each 64 KiB
/// chunk read or written from Swift waits for one of those threads; hence the generous limits.
@Suite(
    .serialized,
    .enabled(if: processTestsIsolated, processTestsReason)
)
struct MemoryTests {

    static let gigabyte = 1 << 30
    static let limit = 64 << 20

    @Test(.timeLimit(.minutes(10)))
    func aGigabytePipedBetweenTwoProgramsStaysOutOfOdbsMemory() async throws {
        let pipeline = Program("head", ["-c", "1G", "/dev/zero"]).piped(into: Program("wc", ["-c"]))
        let (result, increase) = try await ResidentMemory.increase { try await pipeline.run() }
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(Self.gigabyte)")
        #expect(increase < Self.limit, "resident memory grew by \(increase >> 20) MB")
    }

    @Test(.timeLimit(.minutes(10)))
    func aGigabyteWrittenFromSwiftIntoAProgramKeepsMemoryBounded() async throws {
        let chunks = RepeatedChunks(chunk: Array(repeating: 0, count: 64 << 10), count: Self.gigabyte / (64 << 10))
        let (result, increase) = try await ResidentMemory.increase {
            try await Program("wc", ["-c"]).run(input: .chunks(chunks))
        }
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(Self.gigabyte)")
        #expect(increase < Self.limit, "resident memory grew by \(increase >> 20) MB")
    }

    @Test(.timeLimit(.minutes(10)))
    func aGigabyteReadFromAProgramIntoSwiftKeepsMemoryBounded() async throws {
        let (total, increase) = try await ResidentMemory.increase {
            try await Program("head", ["-c", "1G", "/dev/zero"]).run { stream in
                var total = 0
                for try await chunk in stream { total += chunk.count }
                return total
            }
        }
        #expect(total == Self.gigabyte)
        #expect(increase < Self.limit, "resident memory grew by \(increase >> 20) MB")
    }
}

/// This process's resident memory, from /proc/self/status.
enum ResidentMemory {
    /// The value of a `kB` line of /proc/self/status, in bytes.
    static func read(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 << 10 }
        }
        return nil
    }

    /// Runs `body` and returns its value and the most the resident size rose above where it
    /// started while `body` ran.
    static func increase<Value: Sendable>(_ body: () async throws -> Value) async throws -> (Value, Int) {
        let start = try #require(read("VmRSS"))
        let peakWasReset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        let highest = Mutex(start)
        let sampler = Task {
            while !Task.isCancelled {
                if let now = read("VmRSS") { highest.withLock { $0 = max($0, now) } }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let value: Value
        do {
            value = try await body()
        } catch {
            sampler.cancel()
            throw error
        }
        sampler.cancel()
        _ = await sampler.value
        var peak = highest.withLock { $0 }
        if peakWasReset, let highWater = read("VmHWM") { peak = max(peak, highWater) }
        return (value, peak - start)
    }
}

/// Set in the process `ProcessesIsolation` starts for the tests of `Processes/` alone.
let processTestsIsolated = ProcessInfo.processInfo.environment["ODB_PROCESS_TESTS_ISOLATED"] == "1"

/// Why the tests of `Processes/` are skipped in the shared run.
let processTestsReason: Comment =
    "run in a process of their own by ProcessesIsolation: beside the integration tests, whose blocking libpq calls can hold Swift's cooperative threads for a minute, their deadlines and memory bounds would measure those tests"

/// Runs the tests of `Processes/` in a process of their own: what they time and measure is then
/// theirs alone.
@Suite(.enabled(if: !processTestsIsolated, "this is the isolated run itself"))
struct ProcessesIsolation {
    static let suites = ["DeadlineTests", "EnvironmentTests", "PipelineTests", "ProgramTests", "StreamingTests", "MemoryTests"]

    @Test(.timeLimit(.minutes(10)))
    func processTestsPassInAProcessOfTheirOwn() async throws {
        let filter = "RevisionsTests\\.(" + Self.suites.joined(separator: "|") + ")"
        let result = try await Program(
            CommandLine.arguments[0], ["--testing-library", "swift-testing", "--filter", filter],
            environment: .inherited(changing: ["ODB_PROCESS_TESTS_ISOLATED": "1"])
        ).result()
        let printed = result.output + result.errorOutput
        #expect(result.succeeded, "\(result.status): \(printed.suffix(3000))")
        for suite in Self.suites {
            #expect(printed.contains("Suite \(suite) passed"), "\(printed.suffix(3000))")
        }
    }
}
