import Foundation
import Testing

@testable import Revisions

/// Collected runs: output, stderr as the error, arguments as they are, where and as whom.
@Suite(.enabled(if: processTestsIsolated, processTestsReason)) struct ProgramTests {
    @Test func aCollectedRunReturnsStdoutAndStderr() async throws {
        let result = try await Program("sh", ["-c", "printf 'hello\\n'; printf 'note\\n' >&2"]).run()
        #expect(result.succeeded)
        #expect(result.status == "exit status 0")
        #expect(result.output == "hello\n")
        #expect(result.errorOutput == "note\n")
    }

    @Test func argumentsReachTheProgramAsTheyAreWithNoShellBetween() async throws {
        let arguments = ["a b", "$HOME", "; rm -rf /", "'quoted'", "*"]
        let result = try await Program("printf", ["%s|"] + arguments).run()
        #expect(result.output == arguments.map { $0 + "|" }.joined())
    }

    @Test func theTrimmedLastStderrLineIsTheError() async throws {
        let failing = Program("sh", ["-c", "echo partial; echo 'first line' >&2; echo '  the reason  ' >&2; exit 3"])
        let error = await #expect(throws: ProgramError.self) { try await failing.run() }
        #expect(error?.program == "sh")
        #expect(error?.reason == .failed(.exited(3)))
        #expect(error?.errorLines == ["first line", "the reason"])
        #expect(error?.description == "sh failed (exit status 3): the reason")
    }

    @Test func resultReportsAFailureWithoutThrowing() async throws {
        let result = try await Program("sh", ["-c", "echo oops >&2; kill -9 $$"]).result()
        #expect(!result.succeeded)
        #expect(result.termination == .signalled(9))
        #expect(result.status == "signal 9")
        #expect(result.lastErrorLine == "oops")
        #expect(throws: ProgramError(program: "sh", reason: .failed(.signalled(9)), errorOutput: "oops\n")) {
            try result.checked()
        }
    }

    @Test func aMissingProgramCannotRun() async throws {
        let error = await #expect(throws: ProgramError.self) { try await Program("/nonexistent/initdb").run() }
        #expect(error?.program == "initdb")
        guard case .couldNotRun = error?.reason else {
            Issue.record("expected couldNotRun, got \(String(describing: error))")
            return
        }
    }

    @Test func collectedOutputIsBounded() async throws {
        let chatty = Program("head", ["-c", "1000000", "/dev/zero"])
        await #expect(throws: ProgramError(program: "head", reason: .outputTooLong(limit: 1000))) {
            try await chatty.run(output: .collected(limit: 1000))
        }
        #expect(try await chatty.run(output: .discarded).output == "")
    }

    @Test func stdinCanBeGiven() async throws {
        #expect(try await Program("cat").run(input: .string("some input")).output == "some input")
        #expect(try await Program("wc", ["-c"]).run().output.trimmingCharacters(in: .whitespaces) == "0\n")
    }

    @Test func theWorkingDirectoryIsTheOneGiven() async throws {
        #expect(try await Program("pwd", workingDirectory: "/tmp").run().output == "/tmp\n")
        let error = await #expect(throws: ProgramError.self) {
            try await Program("pwd", workingDirectory: "/nonexistent").run()
        }
        #expect(error?.description.contains("could not run pwd") == true)
    }

    @Test(.enabled(if: SystemUser.isRoot && SystemUser.named("postgres") != nil))
    func itRunsAsTheUserGiven() async throws {
        let postgres = try #require(SystemUser.named("postgres"))
        let result = try await Program("id", ["-u"], user: postgres).run()
        #expect(result.output == "\(postgres.uid)\n")
    }
}
