import Foundation
import Testing

@testable import Revisions

/// Copies on PostgreSQL 18 with the server's data directory on a loop-mounted XFS made with
/// reflink: commits, reverts and spares clone, and revisions of an unchanged database share its
/// blocks. Skipped, with the reason, where such a file system cannot be made.
@Suite(
    .serialized,
    .enabled(if: SystemUser.isRoot, "mounting a loop device needs root"),
    .enabled(if: LoopXFS.mkfs != nil, "needs mkfs.xfs: apt-get install xfsprogs, or Scripts/setup"),
    .enabled("needs PostgreSQL 18 or later: ODB_PG=18 Scripts/test") { (await TestPrograms.majorVersion() ?? 0) >= 18 },
    .enabled("cannot mount a loop device here (none free, or no right to mount)") { await LoopXFS.canMount() }
)
struct CloneTests {
    @Test func commitsAndRevertsCloneAndRevisionsShareBlocks() async throws {
        try await onXFS { xfs, sandbox in
            let database = try sandbox.makeDatabase("cloned")
            let filled = try sandbox.connect(database)
            try filled.query("INSERT INTO t SELECT g FROM generate_series(1, 1000000) g")
            // Unchanged from here on: no autovacuum or hint bits rewriting its pages (and so unsharing them).
            try filled.query("ALTER TABLE t SET (autovacuum_enabled = false)")
            try filled.query("VACUUM (FREEZE, ANALYZE) t")
            #expect(try await sandbox.odb(["init", database]).succeeded)
            try sandbox.connect().query("CHECKPOINT")
            let size = Int64(try sandbox.connect().query("SELECT pg_database_size(\(database)) AS size").first!.int("size"))
            let before = xfs.usedBytes()
            for number in 1...10 {
                let commit = try await sandbox.odb(["commit", "-v", "-m", "unchanged \(number)"])
                #expect(commit.succeeded, "\(commit.errorOutput)")
                #expect(commit.errorOutput.contains("with FILE_COPY (cloned)"), "\(commit.errorOutput)")
                #expect(!commit.errorOutput.contains("cannot clone"))
            }
            try sandbox.connect().query("CHECKPOINT")
            let used = xfs.usedBytes() - before
            // Ten copies would take ten times the database; ten clones take a fraction of one.
            #expect(used < size / 2, "ten revisions of a \(size)-byte database took \(used) bytes")

            try sandbox.connect(database).query("DELETE FROM t WHERE x > 10")
            let revert = try await sandbox.odb(["revert", "-v", "3"])
            #expect(revert.succeeded, "\(revert.errorOutput)")
            #expect(revert.errorOutput.contains("with FILE_COPY (cloned)"), "\(revert.errorOutput)")
            #expect(try sandbox.connect(database).query("SELECT count(*) AS n FROM t").first?.int("n") == 1_000_000)

            let info = try await sandbox.odb(["info"])
            #expect(
                info.output.contains("copies   : clone (the data directory's file system (xfs) shares blocks"), "\(info.output)")
        }
    }

    /// The background worker's spares clone too.
    @Test func sparesClone() async throws {
        try await onXFS { _, sandbox in
            let database = try sandbox.makeDatabase("spared", rows: [1, 2])
            #expect(try await sandbox.odb(["init", database]).succeeded)
            #expect(try await sandbox.odb(["commit"]).succeeded)
            let maintain = try await sandbox.odb(["maintain", "-v"])
            #expect(maintain.errorOutput.contains("with FILE_COPY (cloned)"), "\(maintain.errorOutput)")
            #expect(maintain.errorOutput.contains("built a spare of revision 1"), "\(maintain.errorOutput)")
        }
    }

    /// A throwaway cluster of the tests' programs with its data directory on a fresh XFS, and a
    /// sandbox on it; all taken down afterwards, whatever happens.
    private func onXFS(_ body: (LoopXFS, Sandbox) async throws -> Void) async throws {
        try await LoopXFS.withMounted { xfs in
            let cluster = EmbeddedCluster(directory: xfs.mountPoint + "/cluster", settings: .init(durable: false))
            let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
            do {
                guard case .started(let port) = try await cluster.start(programs: programs) else {
                    throw OdbError.clusterStartFailed(reason: "a fresh cluster was already running", log: cluster.logFile)
                }
                try await ServerTrait.$conninfo.withValue(cluster.conninfo(port: port)) {
                    try await withSandbox { try await body(xfs, $0) }
                }
            } catch {
                _ = try? await cluster.stop(programs: programs)
                throw error
            }
            _ = try await cluster.stop(programs: programs)
        }
    }
}

/// Whether the tests' own server, in the temporary folder, is on a file system that clones.
private let temporaryFolderClones: Bool = {
    if case .clones = CloneProbe.probe(FileManager.default.temporaryDirectory.path) { return true }
    return false
}()

extension Integration {
    /// Copies that cannot clone: on the tests' server (its data directory on ext4 here), or on
    /// PostgreSQL before 18. They copy instead and say so in one `-v` line, never failing.
    @Suite struct CloneFallbackTests {
        @Test(.disabled(if: temporaryFolderClones, "the tests' server is on a file system that clones"))
        func aCloneThatCannotBeMadeCopiesAndSaysSo() async throws {
            try await withSandbox { sandbox in
                let cloning = SupportedVersions.major(try sandbox.connect().serverVersion) >= 18
                let database = try sandbox.makeDatabase("fallback", rows: [1])
                #expect(try await sandbox.odb(["init", database]).succeeded)
                let asked = try await sandbox.odb(["commit", "-v", "--strategy", "clone"])
                #expect(asked.succeeded, "\(asked.errorOutput)")
                let lines = asked.errorOutput.split(separator: "\n")
                #expect(lines.filter { $0.hasPrefix("cannot clone, copying instead: ") }.count == 1, "\(asked.errorOutput)")
                #expect(asked.errorOutput.contains(cloning ? "cannot clone files (FICLONE: " : "has no file_copy_method = clone"))
                #expect(asked.errorOutput.contains("with FILE_COPY in"), "\(asked.errorOutput)")

                // Left to odb: on 18 the same line; before 18 nothing was to be expected.
                let auto = try await sandbox.odb(["commit", "-v"])
                #expect(auto.succeeded)
                #expect(auto.errorOutput.contains("cannot clone, copying instead: ") == cloning, "\(auto.errorOutput)")
                #expect(!auto.errorOutput.contains("(cloned)"))
                #expect(try sandbox.rows(database) == [1])
                #expect(try await sandbox.odb(["info"]).output.contains("copies   : copy ("))
            }
        }

        /// A server whose files odb cannot see: the first copy tries a clone, and later odb
        /// processes remember the answer; a clone that fails copies instead and is remembered.
        @Test(.enabled("needs PostgreSQL 18 or later") { (await TestPrograms.majorVersion() ?? 0) >= 18 })
        func aServerOutOfSightIsTriedOnceAndRemembered() async throws {
            try await withSandbox { sandbox in
                let (database, first) = try await sandbox.tracked("remembered", rows: [1])
                first.control.storageCache = ServerStorage(dataDirectory: nil)
                #expect(first.control.cloneSupport().works == nil)
                let report = try first.repository().copy(from: database, to: sandbox.name("tried"), frozen: true)
                // Linux's copy_file_range copies in the kernel where it cannot clone: the server accepts.
                #expect(report.strategy == .clone)

                let events = EventLog()
                let second = try await sandbox.workspace()
                second.control.storageCache = ServerStorage(dataDirectory: nil)
                #expect(second.control.cloneSupport().works == true)
                #expect(second.control.cloneSupport().reason.contains("a clone worked on this server"))
                let repository = try second.repository(events: events.record)
                let failure = PostgresError(
                    sqlState: SQLState(rawValue: "58030"), message: "could not clone file: Operation not supported")
                let copied = try repository.withoutClone(after: failure) {
                    try repository.copy(from: database, to: sandbox.name("after failure"), frozen: true)
                }
                #expect(copied.strategy != .clone)
                #expect(events.all.filter { if case .cloneUnavailable = $0 { true } else { false } }.count == 1)

                let third = try await sandbox.workspace()
                third.control.storageCache = ServerStorage(dataDirectory: nil)
                #expect(third.control.cloneSupport().works == false)
                #expect(third.control.cloneSupport().reason.contains("could not clone file"))
                let again = try third.repository().copy(from: database, to: sandbox.name("again"), frozen: true)
                #expect(again.strategy != .clone)
            }
        }
    }
}
