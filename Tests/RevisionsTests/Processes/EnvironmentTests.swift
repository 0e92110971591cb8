import Foundation
import Testing

@testable import Revisions

/// A program's environment is given explicitly, and secrets travel only there.
@Suite(.enabled(if: processTestsIsolated, processTestsReason)) struct EnvironmentTests {
    @Test func anExactEnvironmentHoldsOnlyWhatIsGiven() async throws {
        let result = try await Program("/usr/bin/env", environment: .exactly(["ONLY": "this"])).run()
        #expect(result.output == "ONLY=this\n")
    }

    @Test func anInheritedEnvironmentIsOdbsWithTheChangesGiven() async throws {
        let program = Program("/usr/bin/env", environment: .inherited(changing: ["ODB_TEST_SET": "yes", "PATH": nil]))
        let variables = try await program.run().output.split(separator: "\n")
        #expect(variables.contains("ODB_TEST_SET=yes"))
        #expect(!variables.contains { $0.hasPrefix("PATH=") })
        #expect(variables.contains { $0.hasPrefix("HOME=") } == (ProcessInfo.processInfo.environment["HOME"] != nil))
    }

    /// The child finds the secret in its environment and nowhere in its command line (which any
    /// user of the machine may read in /proc), and neither the program's description nor its
    /// error repeats it.
    @Test func aSecretTravelsInTheEnvironmentNeverInTheArguments() async throws {
        let secret = "s3cr3t-\(UUID().uuidString)"
        let script = """
            tr '\\0\\n' '  ' < /proc/$$/cmdline; echo
            tr '\\0' '\\n' < /proc/$$/environ | grep -c "^PGPASSWORD=$PGPASSWORD$"
            echo 'authentication failed' >&2
            exit 2
            """
        let program = Program("sh", ["-c", script], environment: .inherited(changing: ["PGPASSWORD": secret]))
        let result = try await program.result()
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(!lines[0].contains(secret))
        #expect(lines[1] == "1")
        #expect(!program.description.contains(secret))
        let error = await #expect(throws: ProgramError.self) { try await program.run() }
        #expect(error?.description == "sh failed (exit status 2): authentication failed")
    }
}
