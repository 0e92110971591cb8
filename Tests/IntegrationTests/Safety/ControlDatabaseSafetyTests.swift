import Foundation
import Testing

@testable import Revisions

/// Which databases may hold odb's metadata, and how control databases find each other on a server:
/// a tracked database, even an empty one, never becomes a control database, and two control
/// databases never track one database.
extension Integration {
    @Suite struct ControlDatabaseSafetyTests {
        /// `init X --create` makes an empty database: it is still X, tracked, and so are a database
        /// with revision databases named after it and one named like odb's own. None of them gets
        /// odb's schema.
        @Test(arguments: ["tracked", "revisions", "odb name"])
        func anEmptyDatabaseOdbKnowsIsNotAControlDatabase(_ kind: String) async throws {
            try await withSandbox { sandbox in
                let admin = try sandbox.connect()
                let control: String
                let reason: String
                switch kind {
                case "tracked":
                    control = sandbox.name("made")
                    try await expectSuccess(sandbox.odb(["init", control, "--create"]))
                    reason = "is tracked by the control database '\(sandbox.control)'"
                case "revisions":
                    control = sandbox.name("elsewhere")
                    try admin.query("CREATE DATABASE \(identifier: control)")
                    try admin.query("CREATE DATABASE \(identifier: Names.revisionDatabase(control, number: 3))")
                    reason = "has revision databases"
                default:
                    control = Names.spareDatabase(sandbox.name("other"), number: 2)
                    try admin.query("CREATE DATABASE \(identifier: control)")
                    reason = "named like the databases odb makes"
                }
                // From the project's folder, which remembers the sandbox's control database.
                let result = try await sandbox.odbElsewhere(
                    ["init", sandbox.name("new"), "--create"], control: control, inProject: kind == "tracked")
                expectOneLine(result, containing: reason)
                #expect(try sandbox.connect(control).query("SELECT 1 FROM pg_namespace WHERE nspname = 'odb'").isEmpty)
                #expect(try !sandbox.databases().contains(sandbox.name("new")))
            }
        }

        /// A second control database on the server finds the first by its mark and refuses to
        /// track what it tracks, before either has made a revision database.
        @Test func aSecondControlDatabaseRefusesADatabaseTheFirstTracks() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("twin", rows: [1])
                let other = sandbox.prefix + "_other"
                let result = try await sandbox.odbElsewhere(["init", database], control: other)
                expectOneLine(result, containing: "'\(database)' is tracked by the control database '\(sandbox.control)'")
                let tracked = try sandbox.connect(other).query("SELECT 1 FROM odb.databases WHERE name = \(database)")
                #expect(tracked.isEmpty)
                try sandbox.connect().query("DROP DATABASE \(identifier: other)")
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
            }
        }

        /// Another control database is never tracked: a revert would rewind the history it holds.
        @Test func anotherControlDatabaseIsNotTracked() async throws {
            try await withSandbox { sandbox in
                _ = try await sandbox.tracked("first", rows: [1])
                let result = try await sandbox.odbElsewhere(["init", sandbox.control], control: sandbox.prefix + "_other")
                expectOneLine(result, containing: "'\(sandbox.control)' cannot be a database name: it is an odb control database")
                let tracked = try sandbox.connect(sandbox.prefix + "_other").query("SELECT 1 FROM odb.databases")
                #expect(tracked.isEmpty)
            }
        }

        /// A control database made before the mark existed gets it from the schema's migration.
        @Test func anOlderControlDatabaseIsMarked() async throws {
            try await withSandbox { sandbox in
                _ = try await sandbox.tracked("marked", rows: [1])
                let admin = try sandbox.connect()
                let mark = { () throws -> String? in
                    try admin.query(
                        "SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = \(sandbox.control)"
                    ).first?.optionalString("mark")
                }
                #expect(try mark() == "odb control database")
                try admin.query("COMMENT ON DATABASE \(identifier: sandbox.control) IS NULL")
                // Schema 4, as odb left it: without schema 5's mark and schema 6's table.
                try sandbox.connect(sandbox.control).query("DROP TABLE odb.pending")
                try sandbox.connect(sandbox.control).query("UPDATE odb.schema_version SET version = 4")
                try await expectSuccess(sandbox.odb(["info"]))
                #expect(try mark() == "odb control database")
            }
        }
    }
}

extension Sandbox {
    /// Runs `odb ARGUMENTS --control-db CONTROL` on this sandbox's server from a folder of its own,
    /// where no project remembers this sandbox's control database, or `inProject`, from the
    /// sandbox's project folder.
    func odbElsewhere(_ arguments: [String], control: String, inProject: Bool = false) async throws -> ProgramResult {
        let folder = inProject ? directory : try temporaryFolder("odb-elsewhere")
        defer { if !inProject { try? FileManager.default.removeItem(atPath: folder) } }
        return try await Program(
            Self.executable, arguments + ["--url", conninfo, "--control-db", control],
            environment: .inherited(changing: ["ODB_URL": nil, "PGHOST": nil, "ODB_BACKGROUND": "0", "ODB_FAULT": nil]),
            workingDirectory: folder
        ).result()
    }
}
