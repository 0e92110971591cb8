import Testing

@testable import Revisions
@testable import odb

@Suite struct ChangeAnswersTests {
    @Test func initCreatedTrackedOrAlreadyTracked() throws {
        try expectAnswer(
            .tracking(InitOutcome(database: "demo", created: true, alreadyTracked: false, revision: 1, parent: 0)),
            text: "Created and now tracking demo, at revision 1",
            json: """
                {
                  "alreadyTracked" : false,
                  "created" : true,
                  "database" : "demo",
                  "parent" : 0,
                  "revision" : 1
                }
                """)
        #expect(
            Answer.tracking(InitOutcome(database: "demo", created: false, alreadyTracked: false, revision: 1, parent: 0)).text
                == "Now tracking demo, at revision 1")
        #expect(
            Answer.tracking(InitOutcome(database: "demo", created: false, alreadyTracked: true, revision: 4, parent: 3)).text
                == "demo is already tracked, at revision 4 (parent: 3)")
    }

    @Test func commit() throws {
        let session = Session(pid: 4242, user: "bob", application: "psql")
        try expectAnswer(
            .committed(
                CommitOutcome(database: "demo", committed: 1, revision: 2, revisionDatabase: "demo*1", endedSessions: [session])),
            text: "Committed revision 1, now at revision 2",
            json: """
                {
                  "committed" : 1,
                  "database" : "demo",
                  "endedSessions" : [
                    {
                      "application" : "psql",
                      "pid" : 4242,
                      "user" : "bob"
                    }
                  ],
                  "revision" : 2,
                  "revisionDatabase" : "demo*1"
                }
                """)
    }

    @Test func revert() throws {
        try expectAnswer(
            .reverted(RevertOutcome(database: "demo", parent: 1, revision: 2, endedSessions: [], usedSpare: true)),
            text: "Reverted to revision 1, now at revision 2",
            json: """
                {
                  "database" : "demo",
                  "endedSessions" : [

                  ],
                  "parent" : 1,
                  "revision" : 2,
                  "usedSpare" : true
                }
                """)
    }

    /// What was recovered, with the leftovers dropped; nothing to recover is `null`, not a
    /// missing key, and the folder keys are there, empty.
    @Test func recover() throws {
        try expectAnswer(
            .recovered(
                RecoveryReport(
                    recovered: Recovered(operation: "revert", number: 3, outcome: .rolledBack), dropped: ["demo*odb-new"])),
            text: "Recovered: revert of revision 3: rolled back",
            json: """
                {
                  "dropped" : [
                    "demo*odb-new"
                  ],
                  "freed" : 0,
                  "notPermitted" : [

                  ],
                  "recovered" : {
                    "number" : 3,
                    "operation" : "revert",
                    "outcome" : "rolled back"
                  },
                  "removedFolders" : [

                  ]
                }
                """)
        try expectAnswer(
            .recovered(RecoveryReport(recovered: nil, dropped: [])), text: "Nothing to recover",
            json: """
                {
                  "dropped" : [

                  ],
                  "freed" : 0,
                  "notPermitted" : [

                  ],
                  "recovered" : null,
                  "removedFolders" : [

                  ]
                }
                """)
    }

    /// Leftover folders a crash left: what was removed and the space freed, and one line for each
    /// folder this user may not remove, with its path and who may.
    @Test func recoverRemovesLeftoverFolders() throws {
        let removed = [
            LeftoverFolder(path: "/srv/pg/base/98304", size: 616_562_688, owner: "postgres"),
            LeftoverFolder(path: "/srv/pg/base/98305", size: 888_143_872, owner: "postgres"),
        ]
        try expectAnswer(
            .recovered(RecoveryReport(recovered: nil, dropped: [], removedFolders: [removed[0]])),
            text: "Removed 1 leftover folder no database owned, freed 588.0 MB: /srv/pg/base/98304",
            json: """
                {
                  "dropped" : [

                  ],
                  "freed" : 616562688,
                  "notPermitted" : [

                  ],
                  "recovered" : null,
                  "removedFolders" : [
                    {
                      "owner" : "postgres",
                      "path" : "/srv/pg/base/98304",
                      "size" : 616562688
                    }
                  ]
                }
                """)
        let both = Answer.recovered(
            RecoveryReport(
                recovered: Recovered(operation: "commit", number: 4, outcome: .rolledBack), dropped: [],
                removedFolders: removed))
        #expect(
            both.text == """
                Recovered: commit of revision 4: rolled back
                Removed 2 leftover folders no database owned, freed 1.4 GB: /srv/pg/base/98304, /srv/pg/base/98305
                """)

        let notMine = Answer.recovered(
            RecoveryReport(
                recovered: nil, dropped: [],
                notPermitted: [removed[1], LeftoverFolder(path: "/srv/pg/base/98306", size: 8192, owner: "root")]))
        #expect(
            notMine.text == """
                Not removed: /srv/pg/base/98305 (847.0 MB, a leftover folder no database owns): only root or postgres may remove it
                Not removed: /srv/pg/base/98306 (8.0 kB, a leftover folder no database owns): only root may remove it
                """)
        #expect(try notMine.json().contains("\"freed\" : 0"))
    }

    /// `protected` is a boolean in JSON.
    @Test func protect() throws {
        try expectAnswer(
            .protection(of: "prod", on: true), text: "prod is protected: revert and purge will refuse",
            json: """
                {
                  "database" : "prod",
                  "protected" : true
                }
                """)
        try expectAnswer(
            .protection(of: "prod", on: false), text: "prod is no longer protected",
            json: """
                {
                  "database" : "prod",
                  "protected" : false
                }
                """)
    }
}
