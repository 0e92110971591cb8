import Foundation
import Testing

@testable import Revisions

extension Integration {
    @Suite struct CheckoutTests {
        /// Check out, write to the checkout, drop it: the working database never notices.
        @Test func checkoutWriteAndDrop() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("checkout", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                _ = try repository.commit(message: "two")

                let name = sandbox.name("v1")
                let made = try await sandbox.odb(["checkout", "1", "--as", name])
                try expectSuccess(made)
                #expect(made.output.contains("Checked out revision 1 as '\(name)'"))
                try sandbox.connect(name).query("INSERT INTO t VALUES (42)")
                #expect(try sandbox.rows(name) == [1, 42])
                #expect(try sandbox.rows(database) == [1, 2])
                #expect(try repository.checkouts().map(\.name) == [name])
                let listed = try await sandbox.odb(["checkout", "--list"])
                try expectSuccess(listed)
                #expect(listed.output.contains(name), "\(listed.output)")
                #expect(listed.output.contains("\(name)  revision 1  "), "\(listed.output)")

                // Never taken for a working database, nor made twice.
                expectOneLine(try await sandbox.odb(["init", name]), containing: "it is a checkout of")
                expectOneLine(try await sandbox.odb(["checkout", "2", "--as", name]), containing: "already exists")

                let dropped = try await sandbox.odb(["checkout", "--drop", name])
                try expectSuccess(dropped)
                #expect(try !sandbox.databases().contains(name))
                #expect(try repository.checkouts().isEmpty)
                expectOneLine(try await sandbox.odb(["checkout", "--drop", name]), containing: "is not a checkout")
                try sandbox.expectConsistent(database, states: [[1, 2]])
            }
        }

        /// A ready spare becomes the checkout by a rename.
        @Test func aSpareIsRenamed() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("fromspare", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                _ = try await repository.maintain()
                let spare = Names.spareDatabase(database, number: 1)
                #expect(try sandbox.databases().contains(spare))
                let name = sandbox.name("spared")
                _ = try repository.checkout(.number(1), as: name)
                #expect(try !sandbox.databases().contains(spare))
                #expect(try sandbox.rows(name) == [1])
            }
        }
    }
}
