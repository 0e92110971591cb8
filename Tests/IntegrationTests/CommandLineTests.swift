import Foundation
import Testing

@testable import Revisions

/// The built `odb` executable, run as a user would: stdout, stderr and the exit status of whole
/// command lines.
extension Integration {
    @Suite struct CommandLineTests {
        func odb(_ sandbox: Sandbox, _ arguments: [String], url: String? = nil) async throws -> ProgramResult {
            try await sandbox.odb(arguments, url: url)
        }

        @Test func wholeCycle() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("cli", rows: [1])
                var result = try await odb(sandbox, ["init", database])
                #expect(result.succeeded)
                #expect(result.output == "Now tracking \(database), at revision 1\n")
                result = try await odb(sandbox, ["commit", "-m", "first"])
                #expect(result.output == "Committed revision 1, now at revision 2\n")
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                result = try await odb(sandbox, ["revert"])
                #expect(result.output == "Reverted to revision 1, now at revision 2\n")
                #expect(try sandbox.rows(database) == [1])
                result = try await odb(sandbox, ["info", "--json"])
                let info = try JSONDecoder().decode(Info.self, from: Data(result.output.utf8))
                #expect((info.revision, info.parent, info.tip) == (2, 1, 1))
                result = try await odb(sandbox, ["log", "-G"])
                #expect(result.output.hasPrefix("@  1  "))
                result = try await odb(sandbox, ["purge", "all"])
                #expect(!result.succeeded)
                #expect(result.errorOutput.contains("-y"))
            }
        }

        /// Bad input: one line on stderr saying what went wrong, a non-zero status, no trap.
        @Test(arguments: [
            ["revert", "1.0"], ["revert", ""], ["revert", "99"], ["tag", "12"], ["info", "-d", "nope"], ["commit"],
        ])
        func badInputGetsOneClearLine(_ arguments: [String]) async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("bad", rows: [1])
                if arguments != ["commit"] {
                    _ = try await odb(sandbox, ["init", database])
                }
                let result = try await odb(sandbox, arguments)
                expectOneLine(result)
                #expect(try sandbox.rows(database) == [1])
            }
        }

        @Test func serverDownOrEmptyURLGetsOneClearLine() async throws {
            try await withSandbox { sandbox in
                for url in ["host=/nonexistent/socket port=1 user=someone password=s3cret", ""] {
                    expectOneLine(try await odb(sandbox, ["info"], url: url), secret: "s3cret")
                }
            }
        }
    }
}
