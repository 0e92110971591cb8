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
    /// missing key.
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
                  "recovered" : {
                    "number" : 3,
                    "operation" : "revert",
                    "outcome" : "rolled back"
                  }
                }
                """)
        try expectAnswer(
            .recovered(RecoveryReport(recovered: nil, dropped: [])), text: "Nothing to recover",
            json: "{\n  \"dropped\" : [\n\n  ],\n  \"recovered\" : null\n}")
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
