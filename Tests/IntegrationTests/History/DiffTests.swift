import Foundation
import Testing

@testable import Revisions

/// `odb diff`'s engine on two plain databases, and the command on revisions.
extension Integration {
    @Suite struct DiffTests {
        /// Two databases of a sandbox made from one setup script, then changed by another.
        func pair(_ sandbox: Sandbox, setup: String, change: String) throws -> (old: Connection, new: Connection) {
            let admin = try sandbox.connect()
            let oldName = sandbox.name("old")
            let newName = sandbox.name("new")
            try admin.query("CREATE DATABASE \(identifier: oldName)")
            try admin.query("CREATE DATABASE \(identifier: newName)")
            let old = try sandbox.connect(oldName)
            let new = try sandbox.connect(newName)
            for statement in setup.split(separator: ";\n") {
                try old.query("\(unsafeRaw: String(statement))")
                try new.query("\(unsafeRaw: String(statement))")
            }
            for statement in change.split(separator: ";\n") { try new.query("\(unsafeRaw: String(statement))") }
            return (try sandbox.connect(oldName), try sandbox.connect(newName))
        }

        func changes(_ report: DiffReport) -> [String] {
            (report.schema ?? []).map { "\($0.change.rawValue) \($0.kind.rawValue) \($0.name)" }
        }

        @Test func identicalDatabasesHaveNoDifferences() async throws {
            try await withSandbox { sandbox in
                let (old, new) = try pair(
                    sandbox,
                    setup:
                        "CREATE TABLE t (id int PRIMARY KEY, v text);\nINSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g",
                    change: "")
                let report = try Differ(old: old, new: new).diff(DiffOptions())
                #expect(report.isEmpty)
                #expect(report.stats.tablesCompared == 1)
                #expect(report.stats.chunksDiffering == 0)
                #expect(try SchemaSnapshot.read(on: old).digest == (try SchemaSnapshot.read(on: new).digest))
            }
        }
    }
}
