import Foundation
import Testing

@testable import Revisions

@Suite struct PatchFolderTests {
    /// A temporary folder holding `files` (name: contents), removed afterwards.
    func withFolder(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.path + "/odb-patches-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        try body(folder)
    }

    @Test func numericOrderNotTextOrder() throws {
        let names = ["patch-2-10-0-std.sql", "patch-2-2-22-std.sql", "patch-10-0-0-direct.sql", "patch-2-2-3-concurrent.sql"]
        var files = Dictionary(uniqueKeysWithValues: names.map { ($0, "SELECT 1;") })
        files["README"] = ""
        files["x.sql"] = ""
        try withFolder(files) { folder in
            let patches = try PatchFolder.patches(in: folder)
            #expect(
                patches.map(\.file) == [
                    "patch-2-2-3-concurrent.sql", "patch-2-2-22-std.sql", "patch-2-10-0-std.sql", "patch-10-0-0-direct.sql",
                ])
        }
    }

    @Test(arguments: [
        "patch-1-2.sql", "patch-1-2-3-weird.sql", "patch-1-2-3.sql", "patch-a-2-3-std.sql", "patch-1--3-std.sql",
        "patch-1-2-3-std.sql.orig", "patch-1-2-3-4-std.sql", "patch-+1-2-3-std.sql",
    ])
    func straysAreRefusedByName(_ name: String) throws {
        try withFolder([name: "", "patch-1-0-0-std.sql": ""]) { folder in
            #expect(throws: OdbError.strayPatchFile(file: name)) { try PatchFolder.patches(in: folder) }
        }
    }

    @Test func oneNumberTwoTypesIsRefused() throws {
        try withFolder(["patch-1-2-3-std.sql": "", "patch-1-2-3-concurrent.sql": ""]) { folder in
            #expect(
                throws: OdbError.duplicatePatch(number: "1-2-3", files: ["patch-1-2-3-concurrent.sql", "patch-1-2-3-std.sql"])
            ) {
                try PatchFolder.patches(in: folder)
            }
        }
    }

    @Test func missingFolder() {
        #expect(throws: OdbError.migrationFolderMissing(path: "/nonexistent/migrations")) {
            try PatchFolder.patches(in: "/nonexistent/migrations")
        }
    }

    @Test func selection() throws {
        func patch(_ point: Int, _ type: PatchType) -> Patch {
            Patch(number: PatchNumber(1, 0, point), type: type, file: "p\(point)\(type)", path: "")
        }
        let pending = [patch(1, .std), patch(2, .std), patch(3, .direct), patch(4, .concurrent), patch(5, .std)]
        var request = MigrationRequest(folder: "", conninfo: "")
        #expect(Repository.select(pending, request) == pending)
        request.selection = .group
        #expect(Repository.select(pending, request) == Array(pending[0...1]))
        #expect(Repository.select(Array(pending[2...]), request) == [pending[2], pending[3]])
        request.selection = .one
        #expect(Repository.select(pending, request) == [pending[0]])
        request.selection = .all
        request.type = .std
        #expect(Repository.select(pending, request) == [pending[0], pending[1], pending[4]])
        #expect(Repository.guardMessage(pending) == "before migrate: patch-1-0-1 … patch-1-0-5")
        #expect(Repository.guardMessage([pending[2]]) == "before migrate: patch-1-0-3")
    }

    @Test func sha256OfKnownVectors() {
        #expect(Checksum.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Checksum.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Checksum.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            Checksum.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func odbTomlNamesTheFolder() throws {
        try withFolder([
            "odb.toml": "title = \"x\"\n[other]\nfolder = \"no\"\n[migrate]\n# where\nfolder = 'db/patches' # comment\n"
        ]) {
            folder in
            let read = try MigrationsFolderSetting.read(from: folder + "/odb.toml")
            let named = try MigrationsFolderSetting.folder(given: nil, directory: folder)
            let given = try MigrationsFolderSetting.folder(given: "/abs", directory: folder)
            #expect(read == "db/patches")
            #expect(named == folder + "/db/patches")
            #expect(given == "/abs")
        }
        try withFolder(["odb.toml": "[server]\nurl = \"x\"\n"]) { folder in
            let named = try MigrationsFolderSetting.folder(given: nil, directory: folder)
            #expect(named == folder + "/migrations")
        }
        try withFolder(["odb.toml": "[migrate]\nfolder = 3\n"]) { folder in
            #expect(throws: OdbError.invalidSetting(file: folder + "/odb.toml", key: "migrate.folder")) {
                try MigrationsFolderSetting.read(from: folder + "/odb.toml")
            }
        }
        #expect(try MigrationsFolderSetting.folder(given: nil, directory: "/nonexistent") == "/nonexistent/migrations")
    }
}
