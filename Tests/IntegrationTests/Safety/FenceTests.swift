import Foundation
import Synchronization
import Testing

@testable import Revisions

/// The fence lasts only as long as it must: during a commit an application's new connections
/// wait for the copy and then proceed, and an odb killed mid-copy leaves nothing refused.
extension Integration {
    @Suite struct FenceTests {
        /// Plain libpq connections opened one after another while `odb commit` copies a database
        /// big enough to take a while: none is refused, and some waited for the copy.
        @Test func commitDelaysNewConnectionsAndNeverRefusesThem() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.bigDatabase("delayed")
                try await expectSuccess(sandbox.odb(["init", database]))
                let probe = ConnectionProbe(conninfo: sandbox.conninfo, database: database)
                let probing = startOffThePool { probe.run() }  // runs until this task stops it
                let commit = try await sandbox.odb(["commit", "-m", "while connecting", "--strategy", "wal_log"])
                probe.stop()
                _ = try? await probing.value
                try expectSuccess(commit)
                let outcome = probe.outcome
                #expect(outcome.refused.isEmpty, "refused during a commit: \(outcome.refused.prefix(3))")
                #expect(outcome.connected > 2)
                #expect(outcome.longestWait > .milliseconds(50), "no connection overlapped the copy")
                #expect(try sandbox.frozenRows(sandbox.revisionDatabase(database, 1)).count == 200_001)
            }
        }

        /// odb killed (SIGKILL) while `CREATE DATABASE … TEMPLATE` copies the working database: the
        /// next plain connection works at once (it may wait for the server to end the copy),
        /// before any odb runs; the next odb then finds everything consistent.
        @Test func killedMidCopyLeavesNothingRefused() async throws {
            try await withSandbox { sandbox in
                // Bigger, so that the copy lasts long enough to be seen and killed on any machine.
                let database = try sandbox.bigDatabase("killed", rows: 1_000_000)
                try await expectSuccess(sandbox.odb(["init", database]))
                // Started and reaped without Swift's cooperative pool, which other tests' blocking
                // libpq calls can keep busy for longer than the copy lasts.
                let commit = try sandbox.spawnOdb(["commit", "-d", database, "-m", "killed", "--strategy", "wal_log"])
                let admin = try sandbox.connect()
                let end = ContinuousClock.now + .seconds(60)
                var copying = false
                while !copying, ContinuousClock.now < end {
                    copying = try !admin.query(
                        "SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'CREATE DATABASE%' AND datname = \(sandbox.control)"
                    ).isEmpty
                    // The poll's interval, under the deadline above. Blocking, not Task.sleep: in the full
                    // suite the cooperative threads are busy with other tests' libpq calls, and a
                    // suspended poll could wake only after the copy ended.
                    if !copying { usleep(2_000) }
                }
                #expect(copying, "the copy never started")
                kill(commit, SIGKILL)
                var status: Int32 = 0
                waitpid(commit, &status, 0)
                #expect(status & 0x7f == SIGKILL, "odb ended with wait status \(status)")
                let started = ContinuousClock.now
                #expect(throws: Never.self) { _ = try sandbox.connect(database).query("SELECT 1") }
                #expect(ContinuousClock.now - started < .seconds(10))
                #expect(
                    try admin.query("SELECT datallowconn FROM pg_database WHERE datname = \(database)").first?.bool(
                        "datallowconn")
                        == true)
                try await expectSuccess(sandbox.odb(["recover"]))
                try sandbox.expectConsistent(database, states: [Array(0...1_000_000)])
            }
        }
    }
}

extension Sandbox {
    /// Starts `odb ARGUMENTS` on this sandbox as `odb(_:)` does, with posix_spawn, and returns its
    /// pid for the caller to kill and reap (`waitpid`): no Swift task is involved.
    func spawnOdb(_ arguments: [String], errorsTo errorFile: String? = nil) throws -> pid_t {
        let argv = [Self.executable, arguments[0], "--url", conninfo, "--control-db", control] + arguments.dropFirst()
        var environment = ProcessInfo.processInfo.environment
        for name in ["ODB_URL", "PGHOST", "ODB_FAULT"] { environment[name] = nil }
        environment["ODB_BACKGROUND"] = "0"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            let path = descriptor == 2 ? errorFile ?? "/dev/null" : "/dev/null"
            posix_spawn_file_actions_addopen(
                &actions, descriptor, path, descriptor == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for copy in cArguments + cEnvironment { free(copy) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, Self.executable, &actions, nil, cArguments, cEnvironment)
        guard status == 0 else { throw OdbError.programMissing(Self.executable) }
        return pid
    }

    /// A database of this test big enough (about 7 MB for 200,001 rows) for a copy to take a moment.
    func bigDatabase(_ name: String, rows: Int = 200_000) throws -> String {
        let database = try makeDatabase(name, rows: [0])
        try connect(database).query("INSERT INTO t SELECT generate_series(1, \(rows))")
        return database
    }

    /// The name of revision `number`'s database.
    func revisionDatabase(_ database: String, _ number: Int) -> String { Names.revisionDatabase(database, number: number) }

    /// The pids of the odb processes of this sandbox running `command`, found by their
    /// arguments, which name this sandbox's control database.
    func odbProcesses(running command: String) -> [Int32] {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.compactMap { pid in
            guard let number = Int32(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return nil
            }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.first?.hasSuffix("/odb") == true, arguments.dropFirst().first == command,
                arguments.contains(control)
            else { return nil }
            return number
        }
    }
}

/// Opens plain connections to a database one after another until stopped, counting those that
/// connected, how long the longest waited, and those refused (a session ended after it connected
/// is the fence doing its work, not a refusal).
final class ConnectionProbe: Sendable {
    struct Outcome: Sendable {
        var connected = 0
        var refused: [String] = []
        var longestWait: Duration = .zero
    }

    let conninfo: String
    let database: String
    private let state = Mutex((stopped: false, outcome: Outcome()))

    init(conninfo: String, database: String) {
        self.conninfo = conninfo
        self.database = database
    }

    var outcome: Outcome { state.withLock { $0.outcome } }
    func stop() { state.withLock { $0.stopped = true } }

    func run() {
        while !state.withLock({ $0.stopped }) {
            let start = ContinuousClock.now
            do {
                // A patient client: libpq's own timeout (odb's default is 10 s) would count a copy
                // slowed by a loaded machine as a refusal, when the server only made it wait.
                let connection = try Connection(
                    conninfo: conninfo + " connect_timeout=300", database: database, applicationName: "probe")
                let waited = ContinuousClock.now - start
                state.withLock {
                    $0.outcome.connected += 1
                    $0.outcome.longestWait = max($0.outcome.longestWait, waited)
                }
                _ = try? connection.query("SELECT 1")
            } catch {
                state.withLock { $0.outcome.refused.append("\(error)") }
            }
            usleep(1_000)
        }
    }
}

extension Integration.FenceTests {
    /// A database the user closed (`ALLOW_CONNECTIONS false`) stays closed through a commit cut off
    /// after its fence and the recovery that follows, and the revision records it as the user set
    /// it: odb puts back what was there, never "open".
    @Test func aDatabaseTheUserClosedStaysClosed() async throws {
        try await withSandbox { sandbox in
            let database = try sandbox.makeDatabase("closed", rows: [1])
            try await expectSuccess(sandbox.odb(["init", database]))
            let admin = try sandbox.connect()
            try admin.query("ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS false")
            let cut = try await sandbox.odb(["commit", "-m", "cut"], environment: ["ODB_FAULT": "commit.fenced:disconnect"])
            #expect(!cut.succeeded)
            try await expectSuccess(sandbox.odb(["recover"]))
            #expect(try DatabaseProperties.read(database, on: admin)?.allowConnections == false)
            try await expectSuccess(sandbox.odb(["commit", "-m", "closed"]))
            #expect(try DatabaseProperties.read(database, on: admin)?.allowConnections == false)
            let workspace = try await sandbox.workspace()
            #expect(try workspace.repository(database).records.record(1)?.properties.allowConnections == false)
        }
    }

    /// odb's own fence is never recorded as the user's setting: a commit killed after its fence,
    /// whose journal is then lost (its control database's rows gone), leaves the database open,
    /// and the next commit records it open, so that a revert to it never makes it unreachable.
    @Test func aFenceIsNeverRecordedAsTheUsersSetting() async throws {
        try await withSandbox { sandbox in
            let database = try sandbox.makeDatabase("unfenced", rows: [1])
            try await expectSuccess(sandbox.odb(["init", database]))
            let killed = try await sandbox.odb(["commit", "-m", "killed"], environment: ["ODB_FAULT": "commit.fenced"])
            #expect(!killed.succeeded)
            try sandbox.connect(sandbox.control).query("DELETE FROM odb.operations")  // the journal, lost
            _ = try sandbox.connect(database).query("SELECT 1")
            _ = try? sandbox.connect().query("DROP DATABASE IF EXISTS \(identifier: Names.revisionDatabase(database, number: 1))")
            try await expectSuccess(sandbox.odb(["commit", "-m", "after"]))
            let workspace = try await sandbox.workspace()
            let revision = try #require(try workspace.repository(database).log().first)
            #expect(try workspace.repository(database).records.record(revision.number)?.properties.allowConnections == true)
            try await expectSuccess(sandbox.odb(["revert", "\(revision.number)"]))
            _ = try sandbox.connect(database).query("SELECT 1")
        }
    }
}
