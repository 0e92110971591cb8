import Testing

@testable import Revisions

/// The order every dump and restore setting is taken in: command line > the configuration named
/// with -c > the file's defaults > environment > built-in.
@Suite struct BackupSettingsTests {
    static let file = """
        storage = "file-top"
        instance = "prod"

        [dump]
        exclude_data = ["dump-default"]

        [dump.anonymized]
        storage = "named"
        exclude_data = ["audit_*", "sessions"]
        pre_dump = "./check-anonymised"

        [restore.default]
        pre_swap = ["./manage.py migrate"]
        """

    func resolve(
        _ command: BackupSettings.Command = .dump, _ given: BackupSettings.Given = .init(), file text: String? = file,
        environment: [String: String] = ["ODB_STORAGE": "from-env", "ODB_INSTANCE": "env-instance"]
    ) throws -> BackupSettings {
        let file = try text.map { try ProjectConfiguration.parse($0, path: "/p/odb.toml") } ?? .none
        return try BackupSettings.resolve(command, given: given, file: file, environment: environment, hostName: "host")
    }

    @Test func commandLineWinsOverEverything() throws {
        let settings = try resolve(.dump, .init(storage: "cli", config: "anonymized", excludeData: ["cli-table"]))
        #expect(settings.storage == "cli")
        #expect(settings.excludeData == ["cli-table"])
        #expect(settings.config == "anonymized")
    }

    @Test func namedConfigurationWinsOverTheFileDefaults() throws {
        let settings = try resolve(.dump, .init(config: "anonymized"))
        #expect(settings.storage == "named")
        #expect(settings.excludeData == ["audit_*", "sessions"])
        #expect(settings.preDump == ["./check-anonymised"])
        #expect(settings.instance == "prod")
    }

    @Test func fileDefaultsWinOverTheEnvironment() throws {
        let settings = try resolve(.dump)
        #expect(settings.storage == "file-top")
        #expect(settings.excludeData == ["dump-default"])
        #expect(settings.config == "none")
        #expect(settings.instance == "prod")
    }

    @Test func environmentWinsOverBuiltIn() throws {
        let settings = try resolve(.dump, file: nil)
        #expect(settings.storage == "from-env")
        #expect(settings.instance == "env-instance")
        let builtIn = try resolve(.dump, file: nil, environment: [:])
        #expect(builtIn.storage == ".odb/dumps")
        #expect(builtIn.instance == "host")
        #expect(builtIn.excludeData.isEmpty)
        #expect(builtIn.allowRestore)
    }

    @Test func defaultConfigurationAppliesWithoutDashC() throws {
        let settings = try resolve(.restore)
        #expect(settings.preSwap == ["./manage.py migrate"])
        #expect(settings.config == "default")
        #expect(try resolve(.restore, .init(preSwap: ["true"])).preSwap == ["true"])
    }

    @Test func unknownConfigurationAndBadTypesAreErrors() throws {
        #expect(throws: OdbError.unknownConfiguration("nope", path: "/p/odb.toml")) { try resolve(.dump, .init(config: "nope")) }
        #expect(throws: OdbError.self) { try resolve(.dump, file: "storage = 3") }
        #expect(throws: OdbError.self) { try resolve(.dump, file: "storage = [") }
        #expect(try resolve(.restore, file: "allow_restore = false").allowRestore == false)
    }

    @Test func generalLoaderReadsAnyTable() throws {
        let file = try ProjectConfiguration.parse("[migrate]\nfolder = \"db/patches\"\nstrict = true\n", path: "odb.toml")
        #expect(try file.table("migrate")?.string("folder") == "db/patches")
        #expect(try file.table("migrate")?.bool("strict") == true)
        #expect(file.table("dump") == nil)
    }
}
