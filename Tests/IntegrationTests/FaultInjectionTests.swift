import Foundation
import Testing

@testable import Revisions

/// odb killed (SIGKILL) or cut off from its server at every named step of every operation that
/// changes databases or storage (dump and restore too: no incomplete dump is ever listed), and sent SIGINT, SIGTERM or SIGHUP at every step of commit and revert; then
/// the next commands must find everything consistent: the working database whole, in its old or
/// its new state, open to connections; every revision's database present and frozen; no database
/// odb made left outside its metadata; the journal empty. After a signal, odb itself has put the
/// working database back: a plain connection works at once, before any other odb runs; after
/// SIGKILL or a lost session too, since no fence is ever left up (see `Fence`).
extension Integration {
    @Suite struct FaultInjectionTests {
        enum Fault: String, CaseIterable {
            case kill, disconnect, int, term, hup

            /// The exit status of an odb stopped by this signal.
            var signalStatus: String? {
                switch self {
                case .int: "exit status 130"
                case .term: "exit status 143"
                case .hup: "exit status 129"
                case .kill, .disconnect: nil
                }
            }
        }

        struct Case: CustomTestStringConvertible, Sendable {
            let step: Step
            let fault: Fault
            /// For revert steps: whether a spare makes it a rename.
            let spare: Bool
            var testDescription: String { "\(step.rawValue) \(fault.rawValue)\(spare ? " with spare" : "")" }
        }

        static let spareSteps: Set<Step> = [.revertJournaled, .swapFenced, .swapSwapped]

        /// Signals are sent at the steps of the commands people interrupt: commit, revert and migrate.
        static func applies(_ fault: Fault, to step: Step) -> Bool {
            fault.signalStatus == nil || ["commit", "revert", "swap", "migrate"].contains(step.operation)
        }

        static let cases: [Case] = Step.allCases.flatMap { step in
            Fault.allCases.filter { applies($0, to: step) }.flatMap { fault in
                [Case(step: step, fault: fault, spare: false)]
                    + (spareSteps.contains(step) ? [Case(step: step, fault: fault, spare: true)] : [])
            }
        }

        static let turnstile = Turnstile(width: 12)

        @Test(arguments: cases)
        func interruptedAtEveryStep(_ test: Case) async throws {
            try await Self.turnstile.pass { try await interrupted(test) }
        }

        func interrupted(_ test: Case) async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("fault", rows: [1])
                let fresh = sandbox.name("fresh")
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(
                    sandbox.odb(["spares", "--keep", test.spare || test.step.operation == "spare" ? "1" : "0"]))
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
                var finishedDumps = 0
                switch test.step.operation {
                case "dump": command = ["dump"]
                case "restore":
                    // A dump of [1, 2, 3] restored over [1, 2].
                    command = ["restore", try await sandbox.dump().key]
                    finishedDumps = 1
                    try sandbox.connect(database).query("DELETE FROM t WHERE x = 3")
                    states = [[1, 2], [1, 2, 3]]
                case "pending":
                    // A dump of [1, 2, 3] restored over [1, 2], its revision left to a worker to load.
                    let key = try await sandbox.dump().key
                    finishedDumps = 1
                    try sandbox.connect(database).query("DELETE FROM t WHERE x = 3")
                    _ = try await sandbox.restoreLeavingItsLoad(key, of: database)
                    command = ["maintain"]
                case "pull":
                    // A dump of [1, 2, 3] pulled as a revision beside the working database.
                    command = ["pull", try await sandbox.dump().key]
                    finishedDumps = 1
                case "init": command = ["init", fresh, "--create"]
                case "commit": command = ["commit", "-m", "three"]
                case "revert", "swap":
                    command = ["revert", "1"]
                    states.append([1])
                case "purge", "discard": command = ["purge", "all", "-y"]
                case "read": command = ["bisect", "--query", "SELECT count(*) FROM t", "--good", "1", "--bad", "2"]
                case "checkout": command = ["checkout", "1", "--as", sandbox.name("checkout")]
                case "migrate":
                    // A transactional patch, then a concurrent one of two statements; neither touches t.
                    command = ["migrate"]
                    try sandbox.writePatches([
                        "patch-1-0-0-std.sql": "CREATE TABLE m ();",
                        "patch-1-0-1-concurrent.sql": "CREATE INDEX CONCURRENTLY t_x ON t (x);\nVACUUM t;",
                    ])
                default: command = ["maintain"]
                }
                let environment = ["ODB_FAULT": test.step.rawValue + (test.fault == .kill ? "" : ":\(test.fault.rawValue)")]
                let interrupted = try await sandbox.odb(command, environment: environment)
                switch test.fault {
                case .kill:
                    #expect(interrupted.status == "signal 9", "odb never reached \(test.step.rawValue)")
                    expectConnectableAtOnce(sandbox, database)
                case .disconnect where test.step.operation == "dump" && test.step != .dumpStarted:
                    // Past its start a dump needs the server no more: it may finish, listed whole.
                    if interrupted.succeeded { finishedDumps += 1 } else { expectOneLine(interrupted) }
                    expectConnectableAtOnce(sandbox, database)
                case .disconnect:
                    expectOneLine(interrupted)
                    expectConnectableAtOnce(sandbox, database)
                case .int, .term, .hup:
                    if test.step == .swapSwapped {
                        // Past the swap the revert is done: it finishes rather than report a failure.
                        #expect(interrupted.succeeded || interrupted.status == test.fault.signalStatus, "\(interrupted.status)")
                    } else {
                        #expect(
                            interrupted.status == test.fault.signalStatus, "\(interrupted.status): \(interrupted.errorOutput)")
                        #expect(interrupted.errorOutput.contains("interrupted by SIG"), "\(interrupted.errorOutput)")
                    }
                    try await sandbox.expectConnectable(database, within: .seconds(1))
                    try sandbox.expectConsistent(database, states: states, revisions: [[1], [1, 2], [1, 2, 3]] + states)
                }

                try await expectSuccess(sandbox.odb(["recover"]))
                try await expectSuccess(sandbox.odb(["maintain"]))
                if test.step.operation == "init" {
                    // Whether the kill left it tracked or not, init finishes the job.
                    try await expectSuccess(sandbox.odb(["init", fresh, "--create"]))
                    try sandbox.expectConsistent(fresh, states: [], table: false)
                }
                try sandbox.expectConsistent(database, states: states, revisions: [[1], [1, 2], [1, 2, 3]] + states)
                if ["dump", "restore", "pull", "pending"].contains(test.step.operation) {
                    // No incomplete dump is ever listed, and the next dump removes what a killed one left.
                    let listed = try await sandbox.listedDumps()
                    #expect(listed.count == finishedDumps)
                    let next = try await sandbox.dump()
                    let keys = Set(
                        (listed.map(\.key) + [next.key]).flatMap {
                            [$0, $0.replacingOccurrences(of: ".dump", with: ".manifest.json")]
                        })
                    #expect(Set(sandbox.dumpFiles()) == keys)
                }

                // And odb goes on working.
                let before = try sandbox.rows(database)
                try await expectSuccess(sandbox.odb(["commit", "-d", database, "-m", "after"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (99)")
                try await expectSuccess(sandbox.odb(["revert", "-d", database]))
                #expect(try sandbox.rows(database) == before)
            }
        }

        /// Whatever stopped odb, an application's next plain connection to the working database
        /// works at once, before any odb runs (it may wait for a copy still running: the server
        /// ends it when it notices its client gone).
        func expectConnectableAtOnce(
            _ sandbox: Sandbox, _ database: String, sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(throws: Never.self, sourceLocation: sourceLocation) {
                _ = try sandbox.connect(database).query("SELECT 1")
            }
        }
    }
}
