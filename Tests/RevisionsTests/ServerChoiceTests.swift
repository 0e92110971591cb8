import Testing

@testable import Revisions

@Suite struct ServerChoiceTests {
    let project = Project(root: "/nonexistent/project")

    @Test func commandLineWinsOverEverything() throws {
        let server = try Server.choose(
            url: "postgresql://a@one/db", environment: ["ODB_URL": "postgresql://b@two/db", "PGHOST": "three"], project: project)
        #expect(server.source == .commandLine)
        #expect(server.conninfo == "postgresql://a@one/db")
    }

    @Test func odbURLWinsOverLibpqEnvironment() throws {
        let server = try Server.choose(url: nil, environment: ["ODB_URL": "host=two", "PGHOST": "three"], project: project)
        #expect(server.source == .odbURL)
    }

    @Test(arguments: ["PGHOST", "PGPORT", "PGSERVICE", "PGUSER", "PGDATABASE", "PGHOSTADDR"])
    func anyLibpqVariableMeansLibpqEnvironment(_ variable: String) throws {
        let server = try Server.choose(url: nil, environment: [variable: "x"], project: project)
        #expect(server.source == .libpqEnvironment)
        #expect(server.conninfo == "")
        #expect(server.cluster == nil)
    }

    @Test func passwordAloneDoesNotLeaveTheEmbeddedCluster() throws {
        let server = try Server.choose(url: nil, environment: ["PGPASSWORD": "secret"], project: project)
        #expect(server.source == .embedded)
        #expect(server.cluster?.directory == "/nonexistent/project/.odb/cluster")
    }

    @Test func emptyURLsAreRefusedNotIgnored() {
        #expect(throws: OdbError.emptyURL(source: "--url")) { try Server.choose(url: " ", environment: [:], project: project) }
        #expect(throws: OdbError.emptyURL(source: "ODB_URL")) {
            try Server.choose(url: nil, environment: ["ODB_URL": ""], project: project)
        }
    }

    @Test func displayNeverShowsThePassword() throws {
        for url in ["postgresql://alice:s3cret@db.example:5433/app", "host=db.example user=alice password=s3cret"] {
            let server = try Server.choose(url: url, environment: [:], project: project)
            #expect(!server.display.contains("s3cret"))
            #expect(server.display.contains("alice"))
            #expect(server.display.contains("db.example"))
        }
    }

    @Test func conninfoForPsqlCarriesThePasswordSeparately() throws {
        let server = try Server.choose(url: "postgresql://alice:s3cret@db.example:5433/app", environment: [:], project: project)
        let (conninfo, password) = server.conninfo(server.conninfo, database: "it's")
        #expect(password == "s3cret")
        #expect(!conninfo.contains("s3cret"))
        #expect(conninfo.contains("dbname='it\\'s'"))
        #expect(server.url(server.conninfo, database: "demo") == "postgresql://alice@db.example:5433/demo")
    }
}

@Suite struct DatabasePropertiesTests {
    @Test func listSettingsSplitLikePostgres() {
        #expect(DatabaseProperties.splitList("\"$user\", public") == ["$user", "public"])
        #expect(DatabaseProperties.splitList("\"a \"\"b\"\"\",c") == ["a \"b\"", "c"])
        #expect(DatabaseProperties.splitList("") == [])
    }

    @Test func settingsForMissingRolesAreSkipped() {
        let setting = DatabaseProperties.Setting(role: "gone", setting: "work_mem=64MB")
        #expect(DatabaseProperties.settingStatement(setting, database: "d", existingRoles: []) == nil)
    }
}
