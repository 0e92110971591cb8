import Testing

@testable import Revisions
@testable import odb

@Suite struct TagAndPurgeAnswersTests {
    @Test func tagAndDelete() throws {
        let tag = Tag(name: "before-import", revision: 3)
        // One shape each, and they differ: `tagged` or `deleted` says what happened.
        try expectAnswer(
            .tagged(tag), text: "Tagged revision 3 as before-import",
            json: "{\n  \"revision\" : 3,\n  \"tagged\" : \"before-import\"\n}")
        try expectAnswer(
            .tagged(tag, previous: 1), text: "Tagged revision 3 as before-import (moved from revision 1)",
            json: "{\n  \"movedFrom\" : 1,\n  \"revision\" : 3,\n  \"tagged\" : \"before-import\"\n}")
        try expectAnswer(
            .deleted(tag), text: "Deleted tag before-import (revision 3)",
            json: "{\n  \"deleted\" : \"before-import\",\n  \"revision\" : 3\n}")
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

    /// One shape whether or not anything was purged, and for --dry-run.
    @Test func nothingToPurgeHasTheSameShape() throws {
        try expectAnswer(
            .nothingToPurge(PurgePlan(database: "demo", mode: .keeptags, revisions: [], size: 0)), text: "Nothing to purge",
            json: """
                {
                  "database" : "demo",
                  "dryRun" : false,
                  "purged" : [

                  ],
                  "size" : 0
                }
                """)
        try expectAnswer(
            .purgeDryRun(PurgePlan(database: "demo", mode: .all, revisions: [2, 1], size: 2048)),
            text: "Would purge 2 revision databases (2.0 kB): 2, 1",
            json: """
                {
                  "database" : "demo",
                  "dryRun" : true,
                  "purged" : [
                    2,
                    1
                  ],
                  "size" : 2048
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
                  "database" : "demo",
                  "dryRun" : false,
                  "purged" : [
                    3,
                    2,
                    1
                  ],
                  "size" : 22332000
                }
                """)
        #expect(Answer.purged([1], plan: plan).text == "Purged 1 revision database (21.3 MB)")
    }
}
