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
        /// The control database; nil: ODB_CONTROL_DB, else the one the project remembers, else `odb`.
        public var controlDatabase: String?
        /// Use the embedded cluster whatever else is set (`--embedded`).
        public var embedded = false
        /// A command that only reads: a missing embedded cluster is reported, never created.
        public var readOnly = false
        public var directory = FileManager.default.currentDirectoryPath
        public var environment = ProcessInfo.processInfo.environment
        public var cluster = EmbeddedCluster.Settings()
        /// Whether a missing control database is created (by `odb init`) or reported.
        public var createControlDatabase = false

        public init(url: String? = nil, controlDatabase: String? = nil) {
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
        let config = try project.config()
        let server = try choose(options, project: project)
        let conninfo = try await connectionString(for: server, environment: options.environment)
        let name = controlDatabaseName(options, config: config)
        try Names.validateDatabase(name)
        let control: ControlDatabase
        do {
            // Those this project would use but for --control-db, and the default.
            var usual = options
            usual.controlDatabase = nil
            control = try ControlDatabase.open(
                server: server, name: name, conninfo: conninfo, create: options.createControlDatabase,
                also: [controlDatabaseName(usual, config: config), ControlDatabase.defaultName])
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            // Another role's control database: say whose rights are missing, not only the schema.
            let role = parsedOptions(conninfo)["user"] ?? options.environment["PGUSER"] ?? Repository.author
            throw OdbError.controlNotPermitted(role: role, database: name)
        }
        return Workspace(project: project, server: server, control: control, conninfo: conninfo, options: options)
    }

    /// The server `options` choose for `project`; for a command that only reads, an error rather
    /// than an embedded cluster that does not exist yet (which it would otherwise create).
    public static func choose(_ options: Options, project: Project) throws -> Server {
        let server = try Server.choose(
            url: options.url, embedded: options.embedded, environment: options.environment, project: project,
            settings: options.cluster)
        if options.readOnly, let cluster = server.cluster, !cluster.isInitialized {
            if let database = try project.config().database {
                throw OdbError.clusterMissing(path: cluster.directory, database: database)
            }
            throw OdbError.nothingTracked(directory: project.root)
        }
        return server
    }

    /// The control database: `--control-db`, else ODB_CONTROL_DB, else the project's, else `odb`.
    static func controlDatabaseName(_ options: Options, config: Project.Config) -> String {
        if let name = options.controlDatabase { return name }
        if let name = options.environment["ODB_CONTROL_DB"], !name.isEmpty { return name }
        return config.server?.controlDatabase ?? ControlDatabase.defaultName
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
        // So that a command waiting for it can say it waits for odb's own worker.
        environment["PGAPPNAME"] = Workspace.workerApplicationName
        try Program(
            executable, ["maintain", "--database", database, "--control-db", control.name, "--quiet"],
            environment: .exactly(environment)
        ).startDetached()
    }

    /// The application name of the background worker's sessions.
    public static let workerApplicationName = "odb maintain"

    /// Starts tracking `database` (see `Repository.track(create:)`), makes it the project's
    /// current one, and has the project remember this server and control database.
    public func track(_ database: String, create: Bool) throws -> InitOutcome {
        let outcome = try repository(database).track(create: create)
        try project.setCurrentDatabase(database)
        try project.remember(server.remembered(controlDatabase: control.name, project: project))
        return outcome
    }
}
