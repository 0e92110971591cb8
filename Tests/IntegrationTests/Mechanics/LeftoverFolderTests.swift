import Foundation
import Testing

@testable import Revisions

/// Folders under `base/` that no database owns, as a crash mid-copy leaves them: `odb info` shows
/// them and `odb recover` removes them, and nothing else. Each test has its own embedded cluster,
/// so that no other test's `recover` removes its folders, nor its folders show in their `info`.
@Suite struct LeftoverFolderTests {
    /// Three fabricated folders named by unused oids, owned by the server's user, each with a file:
    /// one wholly older than the server's start (a leftover), one made now (a copy under way, for
    /// all odb knows), one older but with a file written now. Only the first is shown and removed,
    /// and every database's folder stays.
    @Test func recoverRemovesOnlyFoldersOlderThanTheServer() async throws {
        try await withEmbeddedProject { project in
            try expectSuccess(try await project.odb(["init", "app"]))
            try expectSuccess(try await project.odb(["commit", "-m", "one revision database too"]))
            let server = try LeftoverServer(project)
            let stale = try server.fabricate(offset: 0, folderOld: true, fileOld: true)
            let fresh = try server.fabricate(offset: 1, folderOld: false, fileOld: false)
            let touched = try server.fabricate(offset: 2, folderOld: true, fileOld: false)
            let before = try server.baseEntries()

            let info = try JSONDecoder().decode(Info.self, from: Data(try await project.odb(["info", "--json"]).output.utf8))
            #expect(info.leftoverFolders?.folders.map(\.path) == [stale])
            #expect(info.leftoverFolders?.size == 8192 && info.leftoverFolders?.folders.first?.owner == "postgres")
            let text = try await project.odb(["info"]).output
            #expect(text.contains("leftover : 1 folder no database owns (8.0 kB"), "\(text)")

            let result = try await project.odb(["recover", "--json"])
            try expectSuccess(result)
            let report = try JSONDecoder().decode(RecoveryReport.self, from: Data(result.output.utf8))
            #expect(report.removedFolders.map(\.path) == [stale] && report.notPermitted.isEmpty)
            #expect(result.output.contains("\"freed\" : 8192"), "\(result.output)")
            #expect(try server.baseEntries() == before.subtracting([URL(fileURLWithPath: stale).lastPathComponent]))
            for folder in [fresh, touched] { #expect(FileManager.default.fileExists(atPath: folder + "/16384")) }
            for oid in try server.databaseOids() { #expect(try server.baseEntries().contains(oid), "database \(oid)") }

            #expect(!(try await project.odb(["info"]).output.contains("leftover")))
            #expect(try await project.odb(["recover"]).output == "Nothing to recover\n")
        }
    }

    /// While a `CREATE DATABASE` runs (here: waiting for its template, which another session is
    /// renaming), no folder counts as a leftover, however old.
    @Test func aCopyUnderWayHidesThem() async throws {
        try await withEmbeddedProject { project in
            try expectSuccess(try await project.odb(["init", "app"]))
            let server = try LeftoverServer(project)
            let stale = try server.fabricate(offset: 0, folderOld: true, fileOld: true)
            let renaming = try server.connect()
            try renaming.query("CREATE DATABASE source")
            try renaming.query("BEGIN")
            try renaming.query("ALTER DATABASE source RENAME TO source_renamed")
            let conninfo = server.conninfo
            let copy = startOffThePool {  // off the pool: it waits for this task's ROLLBACK below
                _ = try Connection(conninfo: conninfo, database: "postgres").query("CREATE DATABASE copy TEMPLATE source")
            }
            let end = ContinuousClock.now + .seconds(120)
            while try renaming.query("SELECT 1 FROM pg_locks WHERE mode = 'ShareLock' AND NOT granted").isEmpty {
                guard ContinuousClock.now < end else { throw OdbError.busy(database: "copy", holder: nil) }
                try await Task.sleep(for: .milliseconds(10))  // the poll's interval, under the deadline above
            }

            let waiting = try await project.odb(["info"]).output
            #expect(!waiting.contains("leftover"), "\(waiting)")
            try expectSuccess(try await project.odb(["recover"]))
            #expect(FileManager.default.fileExists(atPath: stale))

            try renaming.query("ROLLBACK")
            _ = try await copy.value
            #expect(try await project.odb(["info"]).output.contains("leftover : 1 folder"))
        }
    }
}

/// A test's embedded cluster, seen from its files: fabricated folders and the databases' own.
private struct LeftoverServer {
    let base: String
    let conninfo: String
    let owner: SystemUser?
    /// When the server started.
    let started: Date
    /// An oid no database has, far above the ones in use.
    let unused: Int

    init(_ project: EmbeddedProject) throws {
        let cluster = project.cluster
        guard let port = cluster.readyPort() else { throw OdbError.clusterStartFailed(reason: "not running", log: "") }
        base = cluster.dataDirectory + "/base"
        conninfo = cluster.conninfo(port: port)
        owner = try cluster.serverUser()
        let row = try Connection(conninfo: conninfo, database: "postgres").query(
            """
            SELECT extract(epoch FROM pg_postmaster_start_time())::float8::text AS started,
                   (SELECT max(oid)::int8 + 100000 FROM pg_database) AS unused
            """
        ).first
        started = Date(timeIntervalSince1970: Double(try row?.string("started") ?? "") ?? 0)
        unused = try row?.int("unused") ?? 0
    }

    func connect() throws -> Connection { try Connection(conninfo: conninfo, database: "postgres") }

    /// Makes `base/<unused + offset>` with one 8 kB file, as the server's user would, its times an
    /// hour before the server started (or now), the file's set before the folder's.
    func fabricate(offset: Int, folderOld: Bool, fileOld: Bool) throws -> String {
        let name = String(unused + offset)
        #expect(try !databaseOids().contains(name) && !baseEntries().contains(name))
        let folder = base + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try Data(count: 8192).write(to: URL(fileURLWithPath: folder + "/16384"))
        if let owner { for path in [folder + "/16384", folder] { try chown(path, owner) } }
        let old = [FileAttributeKey.modificationDate: started.addingTimeInterval(-3600)]
        if fileOld { try FileManager.default.setAttributes(old, ofItemAtPath: folder + "/16384") }
        if folderOld { try FileManager.default.setAttributes(old, ofItemAtPath: folder) }
        return folder
    }

    func baseEntries() throws -> Set<String> { Set(try FileManager.default.contentsOfDirectory(atPath: base)) }

    func databaseOids() throws -> Set<String> {
        Set(try connect().query("SELECT oid::text AS oid FROM pg_database").map { try $0.string("oid") })
    }
}
