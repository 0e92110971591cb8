import Foundation
import Testing

@testable import Revisions

/// One throwaway PostgreSQL cluster for all integration tests, made through odb's own cluster code
/// in a temporary folder (unix socket only, fsync off), stopped and removed when they are done.
/// Each test works in databases of its own, named with a prefix it drops afterwards.
struct ServerTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    @TaskLocal static var conninfo: String?

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let folder = try temporaryFolder("odb-tests")
        var settings = EmbeddedCluster.Settings(durable: false)
        // Tests run side by side, each with its own connections and the odb processes it starts;
        // some prepare transactions, and a few make logical replication slots.
        settings.serverSettings = [
            "max_connections": "500", "max_prepared_transactions": "10", "wal_level": "logical", "max_replication_slots": "20",
        ]
        let cluster = EmbeddedCluster(directory: folder + "/cluster", settings: settings)
        let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
        do {
            guard case .started(let port) = try await cluster.start(programs: programs) else {
                throw OdbError.clusterStartFailed(reason: "a fresh cluster was already running", log: cluster.logFile)
            }
            try await Self.$conninfo.withValue(cluster.conninfo(port: port)) { try await function() }
        } catch {
            _ = try? await cluster.stop(programs: programs)
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        try await cluster.stop(programs: programs)
        try FileManager.default.removeItem(atPath: folder)
    }
}

extension Trait where Self == ServerTrait {
    /// Runs a suite against the tests' own PostgreSQL server.
    static var server: Self { ServerTrait() }
}

/// Every suite that needs a server is nested in this one.
@Suite(.server) struct Integration {}

/// A new folder under the system's temporary folder that the server's user can reach.
func temporaryFolder(_ prefix: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.path + "/\(prefix)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    return path
}

/// A test's own corner of the shared server: a name prefix for its databases, a control database
/// and a project folder, all removed by `close()`.
struct Sandbox {
    let prefix: String
    let conninfo: String
    let directory: String
    var control: String { prefix + "_odb" }

    static func make() async throws -> Sandbox {
        guard let conninfo = ServerTrait.conninfo else {
            throw OdbError.cannotConnect(server: "the tests' server", reason: "this suite is not nested in Integration")
        }
        let prefix = "t" + UUID().uuidString.prefix(8).lowercased()
        return Sandbox(prefix: prefix, conninfo: conninfo, directory: try temporaryFolder("odb-project"))
    }

    /// A database name of this test: the prefix, then `name`.
    func name(_ name: String) -> String { "\(prefix) \(name)" }

    func workspace() async throws -> Workspace {
        var options = Workspace.Options(url: conninfo, controlDatabase: control)
        options.directory = directory
        options.createControlDatabase = true
        return try await Workspace.open(options)
    }

    func connect(_ database: String = "postgres") throws -> Connection {
        try Connection(conninfo: conninfo, database: database)
    }

    /// A database of this test with a table `t` holding `rows`.
    func makeDatabase(_ name: String, rows: [Int] = []) throws -> String {
        let database = self.name(name)
        try connect().query("CREATE DATABASE \(identifier: database)")
        let connection = try connect(database)
        try connection.query("CREATE TABLE t (x integer)")
        for row in rows { try connection.query("INSERT INTO t VALUES (\(row))") }
        return database
    }

    /// A database of this test, tracked by a workspace of this test.
    func tracked(_ name: String, rows: [Int] = []) async throws -> (database: String, workspace: Workspace) {
        let database = try makeDatabase(name, rows: rows)
        let workspace = try await workspace()
        _ = try workspace.track(database, create: false)
        return (database, workspace)
    }

    /// The built `odb` executable, next to the test bundle.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("odb").path
    }

    /// Runs `odb ARGUMENTS` on this sandbox's server and control database, as a user would, with
    /// no background worker unless `environment` asks for one; stopped after `timeout` if given.
    func odb(
        _ arguments: [String], url: String? = nil, environment: [String: String?] = [:], timeout: Duration? = nil
    ) async throws -> ProgramResult {
        let base: [String: String?] = ["ODB_URL": nil, "PGHOST": nil, "ODB_BACKGROUND": "0", "ODB_FAULT": nil]
        return try await Program(
            Self.executable, [arguments[0], "--url", url ?? conninfo, "--control-db", control] + arguments.dropFirst(),
            environment: .inherited(changing: base.merging(environment) { $1 }), workingDirectory: directory,
            timeout: timeout
        ).result()
    }

    /// The rows of a frozen revision database, read through a throwaway copy.
    func frozenRows(_ revision: String) throws -> [Int] {
        let copy = name("peek")
        let connection = try connect()
        try connection.query("CREATE DATABASE \(identifier: copy) TEMPLATE \(identifier: revision)")
        defer { _ = try? connection.query("DROP DATABASE \(identifier: copy)") }
        return try rows(copy)
    }

    /// Waits until every background `odb maintain` this sandbox's commands started has exited.
    /// They are found by their arguments, which name this sandbox's control database; a worker
    /// that has been started but has not yet connected counts too.
    func waitForWorkers(deadline: Duration = .seconds(120)) async throws {
        let end = ContinuousClock.now + deadline
        while workersRunning() {
            guard ContinuousClock.now < end else { throw OdbError.busy(database: control, holder: nil) }
            try await Task.sleep(for: .milliseconds(10))  // the poll's interval, under the deadline above
        }
    }

    private func workersRunning() -> Bool {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.contains { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.contains("maintain") && arguments.contains(control)
        }
    }

    func rows(_ database: String) throws -> [Int] {
        try connect(database).query("SELECT x FROM t ORDER BY x").map { try $0.int("x") }
    }

    func databases() throws -> Set<String> {
        Set(
            try connect().query("SELECT datname FROM pg_database WHERE left(datname, \(prefix.count)) = \(prefix)").map {
                try $0.string("datname")
            })
    }

    /// A login role of this test (dropped by `close()`), with a password when given.
    func makeRole(_ name: String, _ attributes: String = "", password: String? = nil) throws -> String {
        let role = prefix + "_" + name
        let connection = try connect()
        let secret = try password.map { " PASSWORD " + (try connection.quoteLiteral($0)) } ?? ""
        try connection.query("CREATE ROLE \(identifier: role) LOGIN \(unsafeRaw: attributes)\(unsafeRaw: secret)")
        return role
    }

    /// Drops every database and role of this test and its project folder.
    func close() throws {
        let connection = try connect()
        // Unmarked first: another test's odb looking through the server's control databases
        // (see `otherControlDatabases`) then leaves this one alone while it is dropped.
        if try databases().contains(control) {
            try connection.query("COMMENT ON DATABASE \(identifier: control) IS NULL")
        }
        for name in try databases() {
            try connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE false")
            try connection.query("DROP DATABASE \(identifier: name) WITH (FORCE)")
        }
        for role in try connection.query("SELECT rolname FROM pg_roles WHERE left(rolname, \(prefix.count)) = \(prefix)") {
            try connection.query("DROP OWNED BY \(identifier: role.string("rolname"))")
            try connection.query("DROP ROLE \(identifier: role.string("rolname"))")
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` in a fresh sandbox, which is closed afterwards whatever happens.
func withSandbox(_ body: (Sandbox) async throws -> Void) async throws {
    let sandbox = try await Sandbox.make()
    do {
        try await body(sandbox)
    } catch {
        try? sandbox.close()
        throw error
    }
    try sandbox.close()
}
