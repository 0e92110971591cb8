import Foundation
import Testing

@testable import Revisions

extension Integration {
    @Suite struct BisectTests {
        /// Twenty revisions; the value changes at revision 13. Bisect finds it in about log2(20)
        /// queries, each on a revision that stays frozen.
        @Test func findsTheRevisionWhereAValueChanged() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("bisect", rows: [0])
                let repository = try workspace.repository()
                for number in 1...20 {
                    if number == 13 { try sandbox.connect(database).query("UPDATE t SET x = 1") }
                    _ = try repository.commit(message: "revision \(number)")
                }
                var steps: [BisectStep] = []
                let outcome = try repository.bisect(
                    query: "SELECT x FROM t", good: nil, bad: .number(20), expect: nil
                ) { steps.append($0) }
                #expect(outcome.first == 13)
                #expect(outcome.firstAnswer == "1")
                #expect(outcome.reference == "0")
                #expect(steps.count <= 7, "\(steps.count) steps")
                #expect(steps.map(\.number).contains(13))

                // --expect, from the binary, on the working database as the bad end.
                let expecting = try await sandbox.odb(["bisect", "--query", "SELECT x FROM t", "--expect", "0", "--good", "5"])
                try expectSuccess(expecting)
                #expect(expecting.output.hasPrefix("revision 13 is the first whose answer is not '0': '1'"))
                #expect(expecting.errorOutput.contains("revision 13: '1' (differs)"))

                // No change on the path: said, not invented.
                let same = try repository.bisect(query: "SELECT count(*) FROM t", good: .number(2), bad: nil, expect: nil)
                #expect(same.first == nil)

                // Read-only: a write is refused, and every revision is still frozen.
                let write = try await sandbox.odb(["bisect", "--query", "DELETE FROM t"])
                expectOneLine(write, containing: "read-only transaction")
                try sandbox.expectAllFrozen()
            }
        }

        @Test func aGoodEndOffThePathIsRefused() async throws {
            try await withSandbox { sandbox in
                let (_, workspace) = try await sandbox.tracked("branches", rows: [0])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "one")
                _ = try repository.commit(message: "two")
                _ = try repository.revert(to: .number(1))
                _ = try repository.commit(message: "three, beside two")
                #expect(throws: OdbError.notAnAncestor(good: "revision 2", bad: "revision 3")) {
                    try repository.bisect(query: "SELECT 1", good: .number(2), bad: .number(3), expect: nil)
                }
            }
        }
    }
}

extension Sandbox {
    /// Every revision database of this sandbox refuses connections, and none is listed as opened.
    func expectAllFrozen(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let control = try connect(self.control)
        let open = try control.query(
            """
            SELECT r.dbname FROM odb.revisions r JOIN pg_database d ON d.datname = r.dbname WHERE d.datallowconn
            """
        ).map { try $0.string("dbname") }
        #expect(open.isEmpty, "connectable revisions: \(open)", sourceLocation: sourceLocation)
        #expect(try control.query("SELECT 1 FROM odb.unfrozen").isEmpty, sourceLocation: sourceLocation)
    }
}
