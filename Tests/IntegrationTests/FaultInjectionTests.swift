import Foundation
import Testing

@testable import Revisions

/// odb killed (SIGKILL) or cut off from its server at every named step of every operation that
/// changes databases; then the next commands must find everything consistent: the working
/// database whole, in its old or its new state, open to connections; every revision's database
/// present and frozen; no database odb made left outside its metadata; the journal empty.
extension Integration {
    @Suite struct FaultInjectionTests {
        enum Fault: String, CaseIterable { case kill, disconnect }

        struct Case: CustomTestStringConvertible, Sendable {
            let step: Step
            let fault: Fault
            /// For revert steps: whether a spare makes it a rename.
            let spare: Bool
            var testDescription: String { "\(step.rawValue) \(fault.rawValue)\(spare ? " with spare" : "")" }
        }

        static let spareSteps: Set<Step> = [.revertJournaled, .revertFenced, .revertSwapped]

        static let cases: [Case] = Step.allCases.flatMap { step in
            Fault.allCases.flatMap { fault in
                [Case(step: step, fault: fault, spare: false)]
                    + (spareSteps.contains(step) ? [Case(step: step, fault: fault, spare: true)] : [])
            }
        }

        @Test(arguments: cases)
        func interruptedAtEveryStep(_ test: Case) async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("fault", rows: [1])
                let fresh = sandbox.name("fresh")
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["spares", "--keep", test.spare || test.step.operation == "spare" ? "1" : "0"]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                try await expectSuccess(sandbox.odb(["commit", "-m", "two"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (3)")
                if test.spare {
                    try await expectSuccess(sandbox.odb(["revert", "1"]))
                    try await expectSuccess(sandbox.odb(["maintain"]))
                    try sandbox.connect(database).query("INSERT INTO t VALUES (2), (3)")
                }

                // What the interrupted command is, and the states it may leave the working database in.
                let command: [String]
                var states: [[Int]] = [[1, 2, 3]]
                switch test.step.operation {
                case "init": command = ["init", fresh, "--create"]
                case "commit": command = ["commit", "-m", "three"]
                case "revert":
                    command = ["revert", "1"]
                    states.append([1])
                case "purge", "discard": command = ["purge", "all", "-y"]
                default: command = ["maintain"]
                }
                let environment = ["ODB_FAULT": test.step.rawValue + (test.fault == .disconnect ? ":disconnect" : "")]
                let interrupted = try await sandbox.odb(command, environment: environment)
                switch test.fault {
                case .kill:
                    #expect(interrupted.status == "signal 9", "odb never reached \(test.step.rawValue)")
                case .disconnect:
                    #expect(interrupted.status == "exit status 1", "\(interrupted.status): \(interrupted.output)")
                    #expect(interrupted.errorOutput.hasPrefix("odb: "))
                    #expect(interrupted.errorOutput.split(separator: "\n").count == 1)
                }

                try await expectSuccess(sandbox.odb(["recover"]))
                try await expectSuccess(sandbox.odb(["maintain"]))
                if test.step.operation == "init" {
                    // Whether the kill left it tracked or not, init finishes the job.
                    try await expectSuccess(sandbox.odb(["init", fresh, "--create"]))
                    try expectConsistent(sandbox, fresh, states: [], table: false)
                }
                try expectConsistent(sandbox, database, states: states)

                // And odb goes on working.
                let before = try sandbox.rows(database)
                try await expectSuccess(sandbox.odb(["commit", "-d", database, "-m", "after"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (99)")
                try await expectSuccess(sandbox.odb(["revert", "-d", database]))
                #expect(try sandbox.rows(database) == before)
            }
        }

        func expectSuccess(_ result: ProgramResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(result.succeeded, "\(result.status): \(result.errorOutput)", sourceLocation: sourceLocation)
        }

        func expectConsistent(_ sandbox: Sandbox, _ database: String, states: [[Int]], table: Bool = true) throws {
            let connection = try sandbox.connect(sandbox.control)
            // The working database exists, accepts connections, and holds one whole state.
            let working = try sandbox.connect(database)
            if table {
                let rows = try working.query("SELECT x FROM t ORDER BY x").map { $0.int("x") }
                #expect(states.contains(rows), "working database holds \(rows)")
            }
            #expect(try connection.query("SELECT count(*) AS n FROM odb.operations").first?.int("n") == 0)
            #expect(try connection.query("SELECT count(*) AS n FROM odb.discarded").first?.int("n") == 0)
            #expect(try connection.query("SELECT count(*) AS n FROM odb.spares WHERE NOT ready").first?.int("n") == 0)
            // Every revision's database exists and is frozen; every odb-made database is known.
            let catalog = Dictionary(
                uniqueKeysWithValues: try connection.query("SELECT datname, datallowconn, datistemplate FROM pg_database").map {
                    ($0.string("datname"), (allow: $0.bool("datallowconn"), template: $0.bool("datistemplate")))
                })
            let revisions = try connection.query("SELECT dbname FROM odb.revisions WHERE dbname IS NOT NULL").map { $0.string("dbname") }
            for revision in revisions {
                #expect(catalog[revision].map { !$0.allow && $0.template } == true, "revision database \(revision)")
            }
            let spares = try connection.query("SELECT dbname FROM odb.spares").map { $0.string("dbname") }
            for spare in spares { #expect(catalog[spare] != nil, "spare \(spare)") }
            let tracked = try connection.query("SELECT name FROM odb.databases").map { $0.string("name") }
            let known = Set(revisions + spares + tracked + [sandbox.control])
            #expect(try sandbox.databases().subtracting(known).isEmpty)
            // Revisions hold what was committed.
            for row in try connection.query("SELECT number, dbname FROM odb.revisions WHERE database = \(database) AND dbname IS NOT NULL") where table {
                let expected = [[1], [1, 2], [1, 2, 3]] + states
                #expect(expected.contains(try sandbox.frozenRows(row.string("dbname"))))
            }
        }
    }
}
