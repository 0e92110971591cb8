import Foundation
import Testing

@testable import Revisions

/// The embedded cluster's life: made on first start, a second start a no-op, stopped, and
/// started again after its postmaster was killed with SIGKILL.
@Suite struct ClusterTests {
    @Test func lifecycleSurvivesKillDashNine() async throws {
        let folder = try temporaryFolder("odb-cluster")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cluster = EmbeddedCluster(directory: folder + "/cluster", settings: .init(durable: false))
        let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
        #expect(cluster.status() == .notInitialized)
        do {
            guard case .started(let port) = try await cluster.start(programs: programs) else {
                Issue.record("a new cluster should start")
                return
            }
            #expect((15000...16000).contains(port))
            #expect(try await cluster.start(programs: programs) == .alreadyRunning(port: port))
            #expect(
                try Connection(conninfo: cluster.conninfo(port: port), database: "postgres").query("SELECT 1 AS one").first?.int(
                    "one") == 1)

            // Private: the socket folder is its owner's alone, and nothing listens on TCP.
            let attributes = try FileManager.default.attributesOfItem(atPath: cluster.socketDirectory)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)
            #expect(portIsFree(port))
            if SystemUser.isRoot {
                #expect((attributes[.ownerAccountName] as? String) == "postgres")
            }

            guard case .running(let pid, _) = cluster.status() else {
                Issue.record("the cluster should run")
                return
            }
            kill(pid, SIGKILL)
            let deadline = ContinuousClock.now + .seconds(10)
            while cluster.processIsPostgres(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(cluster.status() == .stopped(port: port))
            #expect(try await cluster.start(programs: programs) == .started(port: port))

            #expect(try await cluster.stop(programs: programs) == .stopped)
            #expect(try await cluster.stop(programs: programs) == .wasNotRunning)
            #expect(cluster.status() == .stopped(port: port))
        } catch {
            _ = try? await cluster.stop(programs: programs)
            Issue.record("the server's log:\n\(cluster.logTail(lines: 40))")
            throw error
        }
        _ = try? await cluster.stop(programs: programs)
    }

    /// A postmaster.pid left by a crash names a process that is gone: it must not block a start.
    @Test func stalePidFileIsHandled() async throws {
        let folder = try temporaryFolder("odb-cluster")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cluster = EmbeddedCluster(directory: folder + "/cluster", settings: .init(durable: false))
        let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
        try await cluster.initialize(programs: programs)
        let stale = "999999\n\(cluster.dataDirectory)\n1700000000\n15999\n\(cluster.socketDirectory)\n\n  0  0\nready\n"
        try stale.write(toFile: cluster.dataDirectory + "/postmaster.pid", atomically: true, encoding: .utf8)
        if let user = try cluster.serverUser() { try chown(cluster.dataDirectory + "/postmaster.pid", user) }
        defer { Task { _ = try? await cluster.stop(programs: programs) } }
        guard case .started = try await cluster.start(programs: programs) else {
            Issue.record("should start despite a stale pid file")
            return
        }
        #expect(try await cluster.stop(programs: programs) == .stopped)
    }

    @Test func damagedClusterFolderIsReportedNotOverwritten() async throws {
        let folder = try temporaryFolder("odb-cluster")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cluster = EmbeddedCluster(directory: folder + "/cluster", settings: .init(durable: false))
        try FileManager.default.createDirectory(atPath: cluster.dataDirectory, withIntermediateDirectories: true)
        try "precious".write(toFile: cluster.dataDirectory + "/somefile", atomically: true, encoding: .utf8)
        let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
        await #expect(throws: OdbError.self) { try await cluster.start(programs: programs) }
        #expect(FileManager.default.fileExists(atPath: cluster.dataDirectory + "/somefile"))
    }

    @Test func missingProgramsSayWhatToInstall() async throws {
        let programs = PostgresPrograms(binDirectory: "/nonexistent")
        #expect(throws: OdbError.programMissing("initdb")) { try programs.path(of: "initdb") }
        let folder = try temporaryFolder("odb-noprograms")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await Program(
            Sandbox.executable, ["server", "start"],
            environment: .inherited(changing: ["ODB_PG_BINDIR": "/nonexistent", "ODB_URL": nil, "PGHOST": nil]),
            workingDirectory: folder
        ).result()
        expectOneLine(result, containing: "apt-get install postgresql")
    }
}
