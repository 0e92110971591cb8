import Testing

@testable import Revisions
@testable import odb

/// Hidden states in `log` and `revert`, and the answers of `odb gc` and `odb du`.
@Suite struct RetentionAnswersTests {
    @Test func hiddenStatesAreAtNInTheLogAndTheGraph() throws {
        let hidden = Revision(
            number: -1, parent: 1, database: "demo*odb-old-16384", message: "replaced by revert to 1", author: "alice",
            created: "2026-11-23T20:35:05Z", size: 7_444_000, tags: [])
        #expect(
            Text.revision(hidden, workingParent: 1, graph: false)
                == "@1    2026-11-23 20:35  parent 1  alice  7.1 MB  replaced by revert to 1")
        let graph = Answer.log([revision(2, parent: 1), hidden, revision(1, parent: 0)], workingParent: 2, graph: true)
        #expect(graph.text.split(separator: "\n").map { String($0.prefix(6)) } == ["@  2  ", "|", "| o  @", "|/", "o  1  "])
        let json = try Answer.log([hidden], workingParent: 1, graph: false).json()
        #expect(json.contains("\"hidden\" : true") && json.contains("\"number\" : -1"))
        #expect(try !Answer.log([revision(1, parent: 0)], workingParent: 1, graph: false).json().contains("hidden"))
    }

    @Test func aRevertSaysWhatItKept() throws {
        var outcome = RevertOutcome(database: "demo", parent: 1, revision: 3, endedSessions: [], usedSpare: false)
        outcome.hidden = 2
        outcome.kept = 3
        try expectAnswer(
            .reverted(outcome), text: "Reverted to @2 (on revision 1), now at revision 3",
            json: """
                {
                  "database" : "demo",
                  "endedSessions" : [

                  ],
                  "hidden" : 2,
                  "kept" : 3,
                  "parent" : 1,
                  "revision" : 3,
                  "usedSpare" : false
                }
                """)
        #expect(
            Text.event(.keptHiddenState(number: 3), verbose: false)
                == "kept the replaced state as @3: 'odb revert @3' brings it back")
        #expect(
            Text.event(.droppedRevision(number: -2, database: "demo*odb-old-1"), verbose: true)
                == "dropped hidden state @2 (demo*odb-old-1)")
    }

    @Test func aCopyOfAHiddenStateIsCalledSo() {
        #expect(Text.copied("demo*odb-old-16384", into: "demo*odb-new") == "a hidden state")
        #expect(Text.copied("demo*2", into: "demo*odb-new") == "revision 2")
    }

    @Test func gcSaysWhatGoesAndWhatWould() throws {
        let plan = GcPlan(database: "demo", revisions: [1, 2], hidden: [1], size: 3 << 20)
        #expect(Answer.gc(plan, dropped: nil).text == "Would drop 3 databases (3.0 MB): 1, 2, @1")
        try expectAnswer(
            .gc(plan, dropped: [1, 2, -1]), text: "Dropped 3 databases (3.0 MB): 1, 2, @1",
            json: """
                {
                  "database" : "demo",
                  "dryRun" : false,
                  "hidden" : [
                    1
                  ],
                  "revisions" : [
                    1,
                    2
                  ],
                  "size" : 3145728
                }
                """)
        let none = GcPlan(database: "demo", revisions: [], hidden: [], size: 0)
        #expect(Answer.gc(none, dropped: nil).text == "Nothing to drop")
        #expect(try Answer.gc(none, dropped: nil).json().contains("\"dryRun\" : false"))
        #expect(Text.gcQuestion(plan) == "This drops 3 databases of demo (3.0 MB): 1, 2, @1")
    }

    @Test func duListsEachDatabaseTheTotalAndTheFreeSpace() {
        let items: [DiskUsage.Item] = [
            .init(kind: .working, number: nil, name: "demo", size: 8 << 20),
            .init(kind: .revision, number: 1, name: "demo*1", size: 8 << 20),
            .init(kind: .hidden, number: 1, name: "demo*odb-old-16384", size: 9 << 20),
            .init(kind: .spare, number: 1, name: "demo*1-spare", size: 8 << 20),
            .init(kind: .replaced, number: nil, name: "demo*odb-old-16390", size: nil),
        ]
        let copying = DiskUsage(
            database: "demo", items: items, total: 33 << 20, shared: false, disk: 33 << 20, free: 1 << 30,
            filesystem: 4 << 30)
        #expect(
            Answer.diskUsage(copying).text == """
                8.0 MB      working database  demo
                8.0 MB      revision 1  demo*1
                9.0 MB      hidden state @1  demo*odb-old-16384
                8.0 MB      spare of revision 1  demo*1-spare
                ?           replaced, to drop  demo*odb-old-16390
                total: 33.0 MB
                free on the server's disk: 1.0 GB of 4.0 GB
                """)
        let cloning = DiskUsage(
            database: "demo", items: [items[0]], total: 8 << 20, shared: true, disk: nil, free: nil, filesystem: nil)
        #expect(
            Answer.diskUsage(cloning).text.hasSuffix(
                """
                total: 8.0 MB
                copies clone on this server: the databases share blocks, so these sizes overstate the disk they use
                free on the server's disk: unknown (odb cannot see the server's data directory)
                """))
    }

    @Test(arguments: [("30d", 2_592_000), ("12h", 43_200), ("2w", 1_209_600), ("45m", 2_700), ("90s", 90), ("0d", 0)])
    func ages(_ text: String, _ seconds: Int64) {
        #expect(ageSeconds(text) == seconds)
    }

    @Test(arguments: ["", "d", "30", "30x", "-1d", "+1d", "1.5d", "99999999999999999w", " 1d"])
    func badAges(_ text: String) {
        #expect(ageSeconds(text) == nil)
    }
}
