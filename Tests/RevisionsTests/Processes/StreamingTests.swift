import Foundation
import Testing

@testable import Revisions

/// Swift code writing a program's stdin chunk by chunk and reading its stdout as it comes.
@Suite(.enabled(if: processTestsIsolated, processTestsReason)) struct StreamingTests {
    @Test func chunksOfASequenceFeedStdin() async throws {
        let chunks = RepeatedChunks(chunk: Array(repeating: UInt8(ascii: "x"), count: 64 << 10), count: 16)
        let result = try await Program("wc", ["-c"]).run(input: .chunks(chunks))
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(16 * 64 << 10)")
    }

    @Test func stdoutIsReadChunkByChunk() async throws {
        let (total, chunks) = try await Program("head", ["-c", "1000000", "/dev/zero"]).run { stream in
            var total = 0
            var chunks = 0
            for try await chunk in stream {
                total += chunk.count
                chunks += 1
            }
            return (total, chunks)
        }
        #expect(total == 1_000_000)
        #expect(chunks > 1)
    }

    /// Writing and reading at once, through `cat`: neither side waits for the other to finish,
    /// and what comes back is what went in.
    @Test func writingAndReadingAtOnceRoundTrips() async throws {
        let pattern = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let back = try await Program("cat").run(
            input: .writer { writer in
                for start in stride(from: 0, to: pattern.count, by: 10_000) {
                    try await writer.write(Array(pattern[start..<min(start + 10_000, pattern.count)]))
                }
            }
        ) { stream in
            var bytes: [UInt8] = []
            for try await chunk in stream { bytes += chunk }
            return bytes
        }
        #expect(back == pattern)
    }

    @Test func aProgramThatStopsReadingEarlyFailsTheRun() async throws {
        let plenty = RepeatedChunks(chunk: Array(repeating: 0, count: 64 << 10), count: 64)
        await #expect(throws: ProgramError(program: "true", reason: .stoppedReading)) {
            try await Program("true").run(input: .chunks(plenty))
        }
        // A program that fails is reported by its own status, not by the input it left.
        await #expect(throws: ProgramError(program: "sh", reason: .failed(.exited(3)), errorOutput: "bad input\n")) {
            try await Program("sh", ["-c", "echo 'bad input' >&2; exit 3"]).run(input: .chunks(plenty))
        }
    }

    @Test func anErrorOfTheWriterEndsTheProgramAndIsTheRunsError() async throws {
        struct SourceFailed: Error {}
        await #expect(throws: SourceFailed.self) {
            try await Program("cat").run(
                input: .writer { writer in
                    try await writer.write(Array("some".utf8))
                    throw SourceFailed()
                })
        }
    }

    @Test func anErrorOfTheReaderEndsTheProgramAndIsTheRunsError() async throws {
        struct StoreFailed: Error {}
        let start = ContinuousClock.now
        await #expect(throws: StoreFailed.self) {
            try await Program("yes").run { stream in
                for try await _ in stream { throw StoreFailed() }
            }
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }
}

/// The same chunk, `count` times, made on demand: a generator that holds one chunk.
struct RepeatedChunks: AsyncSequence, Sendable {
    let chunk: [UInt8]
    let count: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunk: [UInt8]
        var left: Int

        mutating func next() async -> [UInt8]? {
            guard left > 0 else { return nil }
            left -= 1
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunk: chunk, left: count) }
}
