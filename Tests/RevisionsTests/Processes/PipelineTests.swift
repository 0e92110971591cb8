import Foundation
import Testing

@testable import Revisions

/// Programs joined by OS pipes: every exit status counts, and the error names the culprit.
@Suite(.enabled(if: processTestsIsolated, processTestsReason)) struct PipelineTests {
    @Test func twoProgramsJoinedByAPipe() async throws {
        let result = try await Program("printf", ["a\\nb\\nc\\n"]).piped(into: Program("wc", ["-l"])).run()
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        #expect(result.program == "wc")
    }

    @Test func threeProgramsWithInputGiven() async throws {
        let pipeline = Program("cat").piped(into: Program("grep", ["7"])).piped(into: Program("wc", ["-l"]))
        let numbers = (1...1000).map(String.init).joined(separator: "\n") + "\n"
        let result = try await pipeline.run(input: .string(numbers))
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "271")
    }

    /// pgclone once stored an empty dump because the status of the program before the pipe was
    /// lost: a pipeline whose first program fails fails, naming it and its last stderr line.
    @Test func aPipelineWhoseFirstProgramFailsFails() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dump = folder + "/pg_dump"
        try FileManager.default.createSymbolicLink(atPath: dump, withDestinationPath: "/bin/sh")
        let failingDump = Program(dump, ["-c", "echo partial; echo 'pg_dump: error: connection lost' >&2; exit 1"])
        let pipeline = failingDump.piped(into: Program("wc", ["-c"]))
        let error = await #expect(throws: ProgramError.self) { try await pipeline.run() }
        #expect(error?.program == "pg_dump")
        #expect(error?.reason == .failed(.exited(1)))
        #expect(error?.description == "pg_dump failed (exit status 1): pg_dump: error: connection lost")
    }

    @Test func aPipelineWhoseLastProgramFailsFails() async throws {
        let pipeline = Program("printf", ["x"]).piped(
            into: Program("sh", ["-c", "cat > /dev/null; echo 'no space left' >&2; exit 4"]))
        let error = await #expect(throws: ProgramError.self) { try await pipeline.run() }
        #expect(error?.program == "sh")
        #expect(error?.description == "sh failed (exit status 4): no space left")
    }

    /// The program before one that stopped reading dies of SIGPIPE; the error names the one
    /// that stopped, which is where the reason is.
    @Test func aBrokenPipeBlamesTheProgramThatStoppedReading() async throws {
        let pipeline = Program("yes").piped(into: Program("sh", ["-c", "head -c 1 > /dev/null; echo stopped >&2; exit 2"]))
        let error = await #expect(throws: ProgramError.self) { try await pipeline.run() }
        #expect(error?.program == "sh")
        #expect(error?.lastErrorLine == "stopped")
    }

    /// A program that could not write all its output failed, even when the reader was content:
    /// for a dump, that is a truncated dump.
    @Test func aProgramEndedByABrokenPipeIsAFailure() async throws {
        let pipeline = Program("yes").piped(into: Program("head", ["-c", "10"]))
        let error = await #expect(throws: ProgramError.self) { try await pipeline.run() }
        #expect(error?.program == "yes")
        #expect(error?.reason == .failed(.signalled(SIGPIPE)))
    }

    @Test func aPipelineEndsWhenAProgramTimesOut() async throws {
        let pid = PidFile()
        // Seconds for the first program to write its pid, however loaded the machine.
        let pipeline = Program("sh", ["-c", "echo $$ > \(pid.path); exec sleep 60"])
            .piped(into: Program("sleep", ["60"], timeout: .seconds(3)))
        let start = ContinuousClock.now
        await #expect(throws: ProgramError(program: "sleep", reason: .timedOut(after: .seconds(3)))) {
            try await pipeline.run()
        }
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(try isGone(pid.read()))
    }
}

func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.path + "/odb-processes-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
