import Testing

@testable import Revisions

@Suite struct SupportedVersionsTests {
    @Test func olderServersAreRefusedInOneLine() throws {
        #expect(throws: OdbError.unsupportedServer(version: "14.11", server: "db")) {
            try SupportedVersions.check(140_011, server: "db")
        }
        for version in [150_000, 150_018, 160_004, 170_002, 180_006, 190_000] {
            try SupportedVersions.check(version, server: "db")
        }
    }

    @Test func versionNumbersReadAsPeopleWriteThem() {
        #expect(SupportedVersions.describe(150_018) == "15.18")
        #expect(SupportedVersions.describe(180_000) == "18.0")
        #expect(SupportedVersions.describe(90_624) == "9.6.24")
        #expect(SupportedVersions.major(180_006) == 18)
    }

    @Test func programVersionLinesGiveTheirMajorVersion() {
        #expect(PostgresPrograms.majorVersion(fromVersionLine: "postgres (PostgreSQL) 18.6\n") == 18)
        #expect(PostgresPrograms.majorVersion(fromVersionLine: "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)") == 15)
        #expect(PostgresPrograms.majorVersion(fromVersionLine: "postgres (PostgreSQL) 19beta1") == 19)
        #expect(PostgresPrograms.majorVersion(fromVersionLine: "nonsense") == nil)
    }

    @Test func clonesSayTheirStrategy() {
        #expect(CopyStrategy.clone.keyword == "FILE_COPY")
        #expect(CopyStrategy.clone.label == "FILE_COPY (cloned)")
        #expect(CopyStrategy(rawValue: "clone") == .clone)
    }
}
