import Testing

@testable import Revisions

@Suite struct RevisionNameTests {
    @Test func shortNamesFollowAnybox() {
        #expect(Names.revisionDatabase("demo", number: 3) == "demo*3")
    }

    @Test func longNamesStayWithinPostgresLimitAndNeverCollide() {
        let first = String(repeating: "a", count: 70) + "x"
        let second = String(repeating: "a", count: 70) + "y"
        let a = Names.revisionDatabase(first, number: 12)
        let b = Names.revisionDatabase(second, number: 12)
        #expect(a.utf8.count <= 63)
        #expect(b.utf8.count <= 63)
        #expect(a != b)
        #expect(a.hasSuffix("*12"))
    }

    @Test func truncationNeverSplitsACharacter() {
        let name = String(repeating: "é", count: 40)  // 80 bytes
        let revision = Names.revisionDatabase(name, number: 1)
        #expect(revision.utf8.count <= 63)
        #expect(revision.hasPrefix("éééé"))
        #expect(String(decoding: Array(revision.utf8), as: UTF8.self) == revision)
    }

    @Test func temporaryNamesDifferFromEveryRevision() {
        let new = Names.replacementDatabase("demo")
        let old = Names.discardedDatabase("demo", oid: "16384")
        let spare = Names.spareDatabase("demo", number: 1)
        #expect(Set([new, old, spare, Names.revisionDatabase("demo", number: 1)]).count == 4)
        #expect(!new.hasSuffix("*1") && !spare.hasSuffix("*1"))
    }

    /// Which tracked database a name of odb's belongs to, long names' hashed form included: what
    /// keeps a database with revision databases from becoming a control database.
    @Test func odbsNamesBelongToTheirDatabase() {
        let long = String(repeating: "a", count: 70)
        for database in ["demo", "a*b", long] {
            for name in [
                Names.revisionDatabase(database, number: 3), Names.spareDatabase(database, number: 3),
                Names.replacementDatabase(database), Names.discardedDatabase(database, oid: "16384"),
            ] {
                #expect(Names.isOdbMade(name, for: database), "\(name)")
                #expect(!Names.isOdbMade(name, for: database + "x"), "\(name)")
            }
        }
        #expect(!Names.isOdbMade("demo*x", for: "demo"))
        #expect(!Names.isOdbMade("demo", for: "demo"))
        #expect(!Names.isOdbMade("a*b*3", for: "a"))
    }

    @Test(arguments: ["", String(repeating: "x", count: 64), "a\0b"])
    func badDatabaseNamesAreRefused(_ name: String) {
        #expect(throws: OdbError.self) { try Names.validateDatabase(name) }
    }

    @Test(arguments: ["it's", "with space", "ünïcødé ✓", "%_*", String(repeating: "x", count: 63)])
    func oddButValidDatabaseNamesAreAccepted(_ name: String) throws {
        try Names.validateDatabase(name)
    }
}

@Suite struct RevisionArgumentTests {
    @Test func numbersTagsAndTip() throws {
        #expect(try RevisionArgument(parsing: "3") == .number(3))
        #expect(try RevisionArgument(parsing: "tip") == .tip)
        #expect(try RevisionArgument(parsing: "before-migration") == .tag("before-migration"))
        #expect(try RevisionArgument(parsing: "v1.0") == .tag("v1.0"))
    }

    @Test(arguments: ["", "-1", "1.0", "0", "+2", "99999999999999999999", "1e3", " ", "a\nb"])
    func oddArgumentsAreRefused(_ text: String) {
        #expect(throws: OdbError.invalidRevision(text)) { try RevisionArgument(parsing: text) }
    }

    @Test func hiddenStatesAreAtN() throws {
        #expect(try RevisionArgument(parsing: "@3") == .hidden(3))
        #expect(try RevisionArgument(parsing: "@12") == .hidden(12))
    }

    @Test(arguments: ["@", "@0", "@-1", "@+1", "@x", "@1.5", "@99999999999"])
    func oddHiddenStatesAreRefused(_ text: String) {
        #expect(throws: OdbError.invalidRevision(text)) { try RevisionArgument(parsing: text) }
    }

    @Test func tagsMayNotStartWithAt() {
        #expect(throws: OdbError.invalidTagName("@home", reason: .hiddenMarker)) { try Names.validateTag("@home") }
    }

    @Test(arguments: ["", "12", "tip", "-x", "a\tb"])
    func badTagNamesAreRefused(_ name: String) {
        #expect(throws: OdbError.self) { try Names.validateTag(name) }
    }
}

@Suite struct CopyStrategyTests {
    @Test func smallDatabasesGoThroughTheWAL() {
        #expect(CopyStrategy.choose(size: 8 << 20, pendingCheckpoint: 0).strategy == .walLog)
    }

    @Test func largeDatabasesAreCopiedFileByFile() {
        #expect(CopyStrategy.choose(size: 1 << 30, pendingCheckpoint: 16 << 20).strategy == .fileCopy)
        #expect(CopyStrategy.choose(size: 1 << 30, pendingCheckpoint: nil).strategy == .fileCopy)
    }

    @Test func aCostlyCheckpointTipsTheBalance() {
        #expect(CopyStrategy.choose(size: 100 << 20, pendingCheckpoint: 1 << 30).strategy == .walLog)
    }
}
