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

    /// The tracked database a command works on: `database` when given, else the project's current one.
    public func repository(
        _ database: String? = nil, options: Repository.Options = .init(), events: @escaping (Event) -> Void = { _ in }
    ) throws -> Repository {
        guard let name = database ?? project.currentDatabase else { throw OdbError.noCurrentDatabase }
        let repository = Repository(database: name, control: control, options: options, events: events)
        _ = try repository.state()
        try repository.recoverIfAbandoned()
        return repository
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

    /// Starts tracking `database` at revision 1, parent 0, and makes it the project's current one.
    /// Already tracked: changes nothing but the current database. Missing: an error, unless
    /// `create`, then it is made empty, journaled so that a kill between recording and creating
    /// it leaves no tracked database without its database.
    public func track(_ database: String, create: Bool) async throws -> InitOutcome {
        try Names.validateDatabase(database)
        if database == control.name {
            throw OdbError.invalidDatabaseName(database, reason: "it is odb's control database")
        }
        if ["template0", "template1"].contains(database) {
            throw OdbError.invalidDatabaseName(database, reason: "it is the template every CREATE DATABASE starts from")
        }
        let connection = control.connection
        let madeByOdb = try !connection.query(
            """
            SELECT 1 FROM odb.revisions WHERE dbname = \(database)
            UNION ALL SELECT 1 FROM odb.operations WHERE kind <> 'init' AND (made = \(database) OR replaced = \(database))
            UNION ALL SELECT 1 FROM odb.spares WHERE dbname = \(database)
            UNION ALL SELECT 1 FROM odb.discarded WHERE dbname = \(database)
            """
        ).isEmpty
        if madeByOdb {
            throw OdbError.invalidDatabaseName(database, reason: "it is a database odb made for a revision")
        }
        let quiet: (Event) -> Void = { _ in }
        let repository = Repository(database: database, control: control, options: .init(), events: quiet)
        return try await control.withLock(on: database, timeout: .seconds(60), events: quiet) {
            if try !connection.query("SELECT 1 FROM odb.databases WHERE name = \(database)").isEmpty {
                try repository.finishInterrupted()
            }
            if let row = try connection.query("SELECT revision, parent FROM odb.databases WHERE name = \(database)").first {
                try project.setCurrentDatabase(database)
                return InitOutcome(
                    database: database, created: false, alreadyTracked: true, revision: row.int("revision"),
                    parent: row.int("parent"))
            }
            var created = false
            if try !control.databaseExists(database) {
                guard create else { throw OdbError.databaseMissing(database: database) }
                try connection.transaction {
                    try connection.query("INSERT INTO odb.databases (name, revision, parent) VALUES (\(database), 1, 0)")
                    try connection.query(
                        "INSERT INTO odb.operations (database, kind, number, made, allow_connections) VALUES (\(database), 'init', 0, \(database), true)"
                    )
                }
                repository.reached(.initRecorded)
                do {
                    try connection.query("CREATE DATABASE \(identifier: database)")
                    created = true
                } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
                    try connection.query("DELETE FROM odb.databases WHERE name = \(database)")
                    throw OdbError.notPermitted(action: "create database '\(database)'", reason: error.message)
                } catch SQLState.duplicateDatabase {
                    // Made by someone else meanwhile: track it as it is.
                }
                repository.reached(.initCreated)
                try connection.query("DELETE FROM odb.operations WHERE database = \(database)")
            } else {
                try connection.query("INSERT INTO odb.databases (name, revision, parent) VALUES (\(database), 1, 0)")
            }
            try project.setCurrentDatabase(database)
            return InitOutcome(database: database, created: created, alreadyTracked: false, revision: 1, parent: 0)
        }
    }
}
