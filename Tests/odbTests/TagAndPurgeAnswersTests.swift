import Testing

@testable import Revisions
@testable import odb

@Suite struct TagAndPurgeAnswersTests {
    @Test func tagAndDelete() throws {
        let tag = Tag(name: "before-import", revision: 3)
        let json = """
            {
              "name" : "before-import",
              "revision" : 3
            }
            """
        try expectAnswer(.tagged(tag), text: "Tagged revision 3 as before-import", json: json)
        try expectAnswer(.deleted(tag), text: "Deleted tag before-import (revision 3)", json: json)
    }

    @Test func tagsOneTabSeparatedLineEach() throws {
        try expectAnswer(.tags([]), text: "no tags", json: "[\n\n]")
        try expectAnswer(
            .tags([Tag(name: "v2", revision: 4), Tag(name: "v1", revision: 1)]), text: "v2\t4\nv1\t1",
            json: """
                [
                  {
                    "name" : "v2",
                    "revision" : 4
                  },
                  {
                    "name" : "v1",
                    "revision" : 1
                  }
                ]
                """)
    }

    @Test func nothingToPurgeShowsThePlan() throws {
        try expectAnswer(
            .nothingToPurge(PurgePlan(database: "demo", mode: .keeptags, revisions: [], size: 0)), text: "Nothing to purge",
            json: """
                {
                  "database" : "demo",
                  "mode" : "keeptags",
                  "revisions" : [

                  ],
                  "size" : 0
                }
                """)
    }

    @Test func purgedAndTheQuestionBefore() throws {
        let plan = PurgePlan(database: "demo", mode: .all, revisions: [3, 2, 1], size: 22_332_000)
        #expect(Text.purgeQuestion(plan) == "This drops 3 revision databases of demo (21.3 MB): 3, 2, 1")
        try expectAnswer(
            .purged([3, 2, 1], plan: plan), text: "Purged 3 revision databases (21.3 MB)",
            json: """
                {
                  "purged" : [
                    3,
                    2,
                    1
                  ]
                }
                """)
        #expect(Answer.purged([1], plan: plan).text == "Purged 1 revision database (21.3 MB)")
    }
}
