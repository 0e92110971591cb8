import Testing

@testable import Revisions
@testable import odb

@Suite struct DumpAnswersTests {
    static func manifest(_ timestamp: String, revision: Int? = nil, parent: Int = 2, size: Int64 = 2048) -> Manifest {
        Manifest(
            key: "vm/demo/none/\(timestamp).dump", instance: "vm", database: "demo", config: "none", size: size,
            sha256: "5419f87c7ef16f76ec6cc79892907a2667484ec7bb8014b2a9ad0ffbff78c2ff", created: "2026-12-01T21:24:54Z",
            revision: revision, message: revision == nil ? nil : "seeded", parent: parent, serverVersion: "15.18",
            pgDumpVersion: "pg_dump (PostgreSQL) 15.18", excludedData: [])
    }

    @Test func dumped() {
        let answer = Answer.dumped(Self.manifest("20261201T212454.687477Z"), location: ".odb/dumps")
        #expect(
            answer.text == "Dumped demo to .odb/dumps: vm/demo/none/20261201T212454.687477Z.dump (2.0 kB, sha256 5419f87c7ef1)")
    }

    @Test func listingNewestFirstWithOrigins() throws {
        let listing = DumpListing(
            dumps: [Self.manifest("2"), Self.manifest("1", revision: 3), Self.manifest("0", parent: 0, size: 10)],
            removed: ["vm/demo/none/x.dump"])
        #expect(
            Answer.listing(listing, part: nil).text == """
                Removed unfinished vm/demo/none/x.dump
                vm/demo/none/2.dump  2.0 kB  working database, from revision 2
                vm/demo/none/1.dump  2.0 kB  revision 3 (seeded)
                vm/demo/none/0.dump  10 B  working database
                """)
        #expect(Answer.listing(DumpListing(dumps: [], removed: []), part: nil).text == "No dumps")
        let databases = Answer.listing(listing, part: .database)
        #expect(databases.text == "Removed unfinished vm/demo/none/x.dump\ndemo")
        #expect(try databases.json() == "[\n  \"demo\"\n]")
    }

    @Test func restored() {
        let outcome = RestoreOutcome(
            database: "demo", source: "vm/demo/none/1.dump", kept: 4, restored: 5, revision: 6,
            loadedLater: false, ignoredErrors: ["pg_restore: error: role \"gone\" does not exist"], endedSessions: [])
        #expect(
            Answer.restored(outcome).text == """
                Restored vm/demo/none/1.dump into demo as revision 5, now at revision 6; what it replaced is revision 4 ('odb revert 4' undoes the restore)
                pg_restore: error: role "gone" does not exist
                """)
    }

    @Test func errorsAreOneLine() {
        let message = OdbError.restoreFailed(status: "exit status 1", errors: ["a", "b", "c", "d"]).message
        #expect(message == "pg_restore failed (exit status 1); the working database is unchanged: a / b / c (and 1 more)")
        #expect(!OdbError.checksumMismatch(key: "k", expected: "aa", found: "bb").message.contains("\n"))
    }
}
