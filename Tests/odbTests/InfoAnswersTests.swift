import Testing

@testable import Revisions
@testable import odb

@Suite struct InfoAnswersTests {
    @Test func freshDatabase() throws {
        let info = Info(
            database: "demo", server: "embedded cluster in /srv/app/.odb/cluster", revision: 1, parent: 0, tip: 0,
            parentTags: [], size: 7_444_000, revisions: 0, revisionsSize: 0)
        try expectAnswer(
            .info(info),
            text: """
                database : demo
                server   : embedded cluster in /srv/app/.odb/cluster
                revision : 1 (parent: 0, tip: 0)
                size     : 7.1 MB, 0 revision databases 0 B
                """,
            json: """
                {
                  "database" : "demo",
                  "discardedSize" : 0,
                  "exists" : true,
                  "keptForReplication" : [

                  ],
                  "parent" : 0,
                  "parentTags" : [

                  ],
                  "revision" : 1,
                  "revisions" : 0,
                  "revisionsSize" : 0,
                  "server" : "embedded cluster in /srv/app/.odb/cluster",
                  "size" : 7444000,
                  "spares" : [

                  ],
                  "sparesSize" : 0,
                  "tip" : 0
                }
                """)
    }

    @Test func everyLine() throws {
        let info = Info(
            database: "demo", server: "postgresql://alice:****@db.internal:5433 (from --url)", revision: 5, parent: 2,
            tip: 4, parentTags: ["before-import", "v1"], size: 2048, revisions: 1, revisionsSize: 1_048_576,
            spares: [Spare(number: 2, database: "demo*2-spare", ready: true, size: 1_048_576)],
            sparesSize: 1_048_576, discardedSize: 3_145_728)
        #expect(
            Answer.info(info).text == """
                database : demo
                server   : postgresql://alice:****@db.internal:5433 (from --url)
                revision : 5 (parent: 2, tip: 4)
                tags     : before-import, v1
                size     : 2.0 kB, 1 revision database 1.0 MB
                spares   : revision 2 (1.0 MB)
                to drop  : 3.0 MB replaced by reverts
                """)
        var two = info
        two.spares += [Spare(number: 4, database: "demo*4-spare", ready: true, size: 0)]
        #expect(Answer.info(two).text.contains("spares   : revisions 2, 4 (1.0 MB)"))
        two.keptForReplication = [Replication(database: "demo*1", slots: ["audit"])]
        #expect(
            Answer.info(two).text.hasSuffix(
                "to drop  : 3.0 MB replaced by reverts\nkept     : logical replication keeps 'demo*1': slot audit decodes it"
                    + " (dropping the database would drop the slot); if nothing needs it any more, run: "
                    + "SELECT pg_drop_replication_slot('audit')"))
    }

    /// Where copies clone, revisions share blocks with the database they came from: their sizes
    /// are not what the disk holds, and `info` says so rather than add them up as if it were.
    @Test func clonedRevisionsShareBlocks() {
        var info = Info(
            database: "demo", server: "s", revision: 3, parent: 2, tip: 2, parentTags: [], size: 1 << 30, revisions: 2,
            revisionsSize: 2 << 30)
        info.copies = CopyMethod(clone: true, reason: "PostgreSQL 18, file system shares blocks")
        #expect(
            Answer.info(info).text.contains(
                "size     : 1.0 GB, 2 revision databases 2.0 GB (clones: they share blocks, so the disk holds less)"))
        info.copies = CopyMethod(clone: false, reason: "ext4")
        #expect(Answer.info(info).text.contains("size     : 1.0 GB, 2 revision databases 2.0 GB\n"))
    }

    /// Folders no database owns: how many, their size, and what removes them; in JSON too, and
    /// nothing of them when there are none (see `freshDatabase`).
    @Test func leftoverFolders() throws {
        var info = Info(
            database: "demo", server: "embedded cluster in /srv/app/.odb/cluster", revision: 1, parent: 0, tip: 0,
            parentTags: [], size: 7_444_000, revisions: 0, revisionsSize: 0)
        info.leftoverFolders = LeftoverFolders([
            LeftoverFolder(path: "/srv/app/.odb/cluster/data/base/98304", size: 616_562_688, owner: "postgres")
        ])
        #expect(
            Answer.info(info).text.hasSuffix(
                "\nleftover : 1 folder no database owns (588.0 MB, left by a copy the server stopped): 'odb recover' removes it"))
        #expect(
            try Answer.info(info).json().contains(
                """
                  "leftoverFolders" : {
                    "count" : 1,
                    "folders" : [
                      {
                        "owner" : "postgres",
                        "path" : "/srv/app/.odb/cluster/data/base/98304",
                        "size" : 616562688
                      }
                    ],
                    "size" : 616562688
                  },
                """))
        info.leftoverFolders = LeftoverFolders([
            LeftoverFolder(path: "/pg/base/98304", size: 616_562_688, owner: "postgres"),
            LeftoverFolder(path: "/pg/base/98305", size: 888_143_872, owner: "postgres"),
        ])
        #expect(
            Answer.info(info).text.hasSuffix(
                "\nleftover : 2 folders no database owns (1.4 GB, left by copies the server stopped): 'odb recover' removes them")
        )
    }

    @Test func logIsEmptyBeforeTheFirstCommit() throws {
        try expectAnswer(
            .log([], workingParent: 0, graph: false), text: "no revisions yet: 'odb commit' makes the first",
            json: "[\n\n]")
        #expect(Answer.log([], workingParent: 0, graph: true).text == "no revisions yet: 'odb commit' makes the first")
    }

    /// Commit 1..4, revert 2, commit: the README's example.
    static let branched = [
        revision(5, parent: 2, message: "branch"), revision(4, parent: 3), revision(3, parent: 2),
        revision(2, parent: 1), revision(1, parent: 0),
    ]

    @Test func logAsList() {
        #expect(
            Answer.log(Self.branched, workingParent: 2, graph: false).text == """
                5    2026-11-23 20:35  parent 2  alice  7.1 MB  branch
                4    2026-11-23 20:34  parent 3  alice  7.1 MB
                3    2026-11-23 20:33  parent 2  alice  7.1 MB
                2 @  2026-11-23 20:32  parent 1  alice  7.1 MB
                1    2026-11-23 20:31  parent 0  alice  7.1 MB
                """)
    }

    @Test func logAsGraph() {
        #expect(
            Answer.log(Self.branched, workingParent: 5, graph: true).text == """
                @  5  2026-11-23 20:35  parent 2  alice  7.1 MB  branch
                |
                | o  4  2026-11-23 20:34  parent 3  alice  7.1 MB
                | |
                | o  3  2026-11-23 20:33  parent 2  alice  7.1 MB
                |/
                o  2  2026-11-23 20:32  parent 1  alice  7.1 MB
                |
                o  1  2026-11-23 20:31  parent 0  alice  7.1 MB
                """)
    }

    @Test func revisionLineShowsPurgedTagsSpareAndTheMessagesFirstLine() {
        let line = { (revision: Revision) in Text.revision(revision, workingParent: 1, graph: false) }
        #expect(
            line(revision(1, parent: 0, tags: ["v1", "prod"])) == "1 @  2026-11-23 20:31  parent 0  alice  7.1 MB  [v1, prod]")
        #expect(line(revision(2, parent: 1, purged: true)) == "2    2026-11-23 20:32  parent 1  alice  (purged)")
        #expect(line(revision(3, parent: 2, size: nil)) == "3    2026-11-23 20:33  parent 2  alice  (purged)")
        #expect(line(revision(4, parent: 3, spare: true)) == "4    2026-11-23 20:34  parent 3  alice  7.1 MB  (spare)")
        #expect(
            line(revision(5, parent: 4, message: "seed data\nwith a second line"))
                == "5    2026-11-23 20:35  parent 4  alice  7.1 MB  seed data")
    }

    @Test func logJSON() throws {
        let revisions = [revision(2, parent: 1, message: "two", tags: ["v2"], spare: true), revision(1, parent: 0, purged: true)]
        #expect(
            try Answer.log(revisions, workingParent: 2, graph: false).json() == """
                [
                  {
                    "author" : "alice",
                    "created" : "2026-11-23T20:32:05Z",
                    "database" : "demo*2",
                    "message" : "two",
                    "number" : 2,
                    "parent" : 1,
                    "purged" : false,
                    "size" : 7444000,
                    "spare" : true,
                    "tags" : [
                      "v2"
                    ],
                    "workingParent" : true
                  },
                  {
                    "author" : "alice",
                    "created" : "2026-11-23T20:31:05Z",
                    "message" : "",
                    "number" : 1,
                    "parent" : 0,
                    "purged" : true,
                    "size" : 7444000,
                    "spare" : false,
                    "tags" : [

                    ],
                    "workingParent" : false
                  }
                ]
                """)
    }
}
