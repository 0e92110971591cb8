import Foundation

/// Where odb works: the project folder, the server chosen for it, and its control database.
public final class Workspace {
    public let project: Project
    public let server: Server
    public let control: ControlDatabase
    /// A conninfo for the server, without a database.
    public let conninfo: String
    let options: Options

    public struct Options: Sendable {
        public var url: String?
        public var controlDatabase = ControlDatabase.defaultName
        public var directory = FileManager.default.currentDirectoryPath
        public var environment = ProcessInfo.processInfo.environment
        public var cluster = EmbeddedCluster.Settings()
        /// Whether a missing control database is created (by `odb init`) or reported.
        public var createControlDatabase = false

        public init(url: String? = nil, controlDatabase: String = ControlDatabase.defaultName) {
            self.url = url
            self.controlDatabase = controlDatabase
        }
    }

    init(project: Project, server: Server, control: ControlDatabase, conninfo: String, options: Options) {
        self.options = options
        self.project = project
        self.server = server
        self.control = control
        self.conninfo = conninfo
    }

    /// Chooses the server, starts the embedded cluster when that is the one (creating it on first
    /// use), and opens the control database.
    public static func open(_ options: Options) async throws -> Workspace {
        let project = Project.findOrNew(from: options.directory)
        let server = try Server.choose(
            url: options.url, environment: options.environment, project: project, settings: options.cluster)
        let conninfo = try await connectionString(for: server, environment: options.environment)
        try Names.validateDatabase(options.controlDatabase)
        let control = try ControlDatabase.open(
            server: server, name: options.controlDatabase, conninfo: conninfo, create: options.createControlDatabase)
        return Workspace(project: project, server: server, control: control, conninfo: conninfo, options: options)
    }

    /// The conninfo to reach `server`, starting the embedded cluster if it is the one chosen
    /// (with `programs`, when the caller has already found them).
    public static func connectionString(
        for server: Server, environment: [String: String], programs: PostgresPrograms? = nil
    ) async throws -> String {
        guard let cluster = server.cluster else { return server.conninfo }
        // Running already: no need to look for PostgreSQL's programs (pg_config costs a process or two).
        if let port = cluster.readyPort() { return cluster.conninfo(port: port) }
        let located: PostgresPrograms
        if let programs { located = programs } else { located = try await PostgresPrograms.locate(environment: environment) }
        switch try await cluster.start(programs: located) {
        case .started(let port), .alreadyRunning(let port):
            return cluster.conninfo(port: port)
        }
    }

    /// The tracked database a command works on: `database` when given, else the project's
    /// current one. No side effects: commands run `recoverAbandoned()` on it first.
    public func repository(
        _ database: String? = nil, options: Repository.Options = .init(), events: @escaping @Sendable (Event) -> Void = { _ in }
    ) throws -> Repository {
        guard let name = database ?? project.currentDatabase else { throw OdbError.noCurrentDatabase }
        return Repository(database: name, control: control, options: options, events: events)
    }

    /// Starts `odb maintain` for `database` in the background, to drop what a revert replaced and
    /// build spares without making the user wait. The worker finds the same server: a URL given on
    /// the command line reaches it through ODB_URL, never its arguments, which anyone may read.
    public func startMaintenance(of database: String) throws {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
        var environment = options.environment
        if let url = options.url { environment["ODB_URL"] = url }
        environment["ODB_FAULT"] = nil  // a test's fault is meant for its command, not for the worker
        try Program(
            executable, ["maintain", "--database", database, "--control-db", control.name, "--quiet"],
            environment: .exactly(environment)
        ).startDetached()
    }

    /// Starts tracking `database` (see `Repository.track(create:)`) and makes it the project's
    /// current one.
    public func track(_ database: String, create: Bool) throws -> InitOutcome {
        let outcome = try repository(database).track(create: create)
        try project.setCurrentDatabase(database)
        return outcome
    }
}
