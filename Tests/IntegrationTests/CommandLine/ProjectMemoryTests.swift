import Foundation
import Testing

@testable import Revisions

extension Integration {
    /// A project remembers its server: commands typed without --url go where `odb init` went,
    /// whatever libpq variables happen to be set, and a folder with nothing in it gets no cluster.
    @Suite struct ProjectMemoryTests {
        @Test func plainCommandsFindTheServerInitUsed() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("app")
                // A password in the URL must never reach .odb/ (the tests' server trusts it anyway).
                let url = sandbox.conninfo + " password=sekrit-pw"
                try expectSuccess(try await sandbox.plain(["init", database, "--url", url, "--control-db", sandbox.control]))
                let config = try String(contentsOfFile: sandbox.directory + "/.odb/config.json", encoding: .utf8)
                #expect(!config.contains("sekrit"))
                #expect(config.contains(sandbox.control))

                let info = try await sandbox.plain(["info"])
                try expectSuccess(info)
                #expect(info.output.contains("database : \(database)"))
                #expect(!info.output.contains("embedded"))
                #expect(!FileManager.default.fileExists(atPath: sandbox.directory + "/.odb/cluster"))

                // Ambient libpq variables do not move a project that remembers its server.
                let stray = try await sandbox.plain(["info"], environment: ["PGDATABASE": "foo", "PGHOST": "/nonexistent"])
                try expectSuccess(stray)
                #expect(stray.output.contains("database : \(database)"))

                let status = try await sandbox.plain(["server", "status"])
                try expectSuccess(status)
                #expect(status.output.contains("chosen : by the project"))
                #expect(!status.output.contains("sekrit"))
            }
        }

        @Test func readingCommandsInAnEmptyFolderCreateNothing() async throws {
            try await withSandbox { sandbox in
                let empty = try sandbox.folder("empty")
                for command in [["info"], ["log"], ["tags"], ["url"], ["psql", "-c", "select 1"], ["commit"], ["tag", "x"]] {
                    let result = try await sandbox.plain(command, in: empty)
                    expectOneLine(result, containing: "nothing is tracked here")
                    #expect(result.errorOutput.contains("odb init DB"))
                }
                // --embedded forces the embedded cluster, which a read does not create either.
                expectOneLine(try await sandbox.plain(["info", "--embedded"], in: empty), containing: "nothing is tracked here")
                #expect(!FileManager.default.fileExists(atPath: empty + "/.odb"))
            }
        }

        @Test func aCorruptConfigIsReportedAsCorrupt() async throws {
            try await withSandbox { sandbox in
                let folder = try sandbox.folder("broken")
                try FileManager.default.createDirectory(atPath: folder + "/.odb", withIntermediateDirectories: true)
                try "{ not json".write(toFile: folder + "/.odb/config.json", atomically: true, encoding: .utf8)
                let result = try await sandbox.plain(["info", "--url", sandbox.conninfo], in: folder)
                expectOneLine(result, containing: folder + "/.odb/config.json is corrupt")
            }
        }

        @Test func serverStatusSaysWhatChoseTheServer() async throws {
            try await withSandbox { sandbox in
                let folder = try sandbox.folder("clusterdir")
                let chosen = try await sandbox.plain(
                    ["server", "status"], in: folder, environment: ["ODB_CLUSTER_DIR": folder + "/elsewhere"])
                try expectSuccess(chosen)
                #expect(chosen.output.contains("chosen : by ODB_CLUSTER_DIR"), "\(chosen.output)")

                let socket = try await sandbox.plain(
                    ["server", "status", "--url", "host=/srv/pg/run port=5432 user=postgres"], in: folder)
                #expect(socket.output.contains("server : postgresql://postgres@/?host=/srv/pg/run&port=5432"), "\(socket.output)")
                let service = try await sandbox.plain(["server", "status", "--url", "service=ext"], in: folder)
                #expect(service.output.contains("server : service=ext"), "\(service.output)")
                #expect(!service.output.contains("local socket"))
                #expect(!FileManager.default.fileExists(atPath: folder + "/.odb"))
            }
        }

        @Test func urlWithNothingTrackedGivesTheServersAndSaysSo() async throws {
            try await withSandbox { sandbox in
                let folder = try sandbox.folder("nothing")
                let result = try await sandbox.plain(["url", "--url", "host=a,b port=5544,5544 user=alice"], in: folder)
                try expectSuccess(result)
                #expect(result.output == "postgresql://alice@a:5544,b:5544/postgres\n", "\(result.output)")
                #expect(result.errorOutput.contains("no database is tracked here"))
            }
        }
    }
}
