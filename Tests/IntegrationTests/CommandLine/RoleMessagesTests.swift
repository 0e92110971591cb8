import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// What a role may not do, said with the right that is missing and how to grant it.
    @Suite struct RoleMessagesTests {
        func conninfo(_ sandbox: Sandbox, user: String) -> String {
            var options = parsedOptions(sandbox.conninfo)
            options["user"] = user
            return options.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoteConninfo($0.value))" }.joined(separator: " ")
        }

        @Test func endingSessionsNamesPgSignalBackend() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("nosignal", rows: [1])
                try expectSuccess(try await sandbox.odb(["init", database]))
                let role = try sandbox.makeRole("nosignal", "CREATEDB")
                let admin = try sandbox.connect(sandbox.control)
                try admin.query("GRANT USAGE ON SCHEMA odb TO \(identifier: role)")
                try admin.query("GRANT ALL ON ALL TABLES IN SCHEMA odb TO \(identifier: role)")
                try admin.query("ALTER DATABASE \(identifier: database) OWNER TO \(identifier: role)")
                let superuserSession = try sandbox.connect(database)
                let result = try await sandbox.odb(["commit"], url: conninfo(sandbox, user: role))
                expectOneLine(result, containing: "needs pg_signal_backend")
                #expect(!result.errorOutput.contains("one with CREATEDB that owns the database"))
                #expect(try superuserSession.query("SELECT 1 AS one").first?.int("one") == 1)
            }
        }

        @Test func anotherRolesControlDatabaseSaysWhatToGrant() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("shared")
                try expectSuccess(try await sandbox.odb(["init", database]))
                let role = try sandbox.makeRole("second", "CREATEDB")
                let result = try await sandbox.odb(["info"], url: conninfo(sandbox, user: role))
                expectOneLine(result, containing: "the role '\(role)' may not use odb's control database")
                #expect(result.errorOutput.contains("GRANT USAGE ON SCHEMA odb TO \(role)"))
            }
        }
    }
}
