/// The control database (`odb` by default): odb's metadata in its own schema, on the same server
/// as the databases it tracks. The tracked databases themselves are never written to.
public final class ControlDatabase {
    public static let defaultName = "odb"

    public let name: String
    public let connection: Connection
    public let server: Server
    /// The control databases to ask, besides the marked ones, whether they track a database
    /// (`otherControlDatabases(also:)`): those this project could use instead (its own, `odb`).
    let also: [String]
    var storageCache: ServerStorage?
    var cloneCache: CloneSupport?

    init(name: String, connection: Connection, server: Server, also: [String] = []) {
        self.name = name
        self.connection = connection
        self.server = server
        self.also = also
    }

    /// Connects to the control database, creating it and its schema when missing if `create`
    /// (only `odb init` does: any other command on a server without one says so). `also` are
    /// the other control databases this project could use (see `also`).
    public static func open(
        server: Server, name: String = defaultName, conninfo: String, create: Bool = true, also: [String] = []
    ) throws -> ControlDatabase {
        if Names.isOdbMade(name) { throw OdbError.notAControlDatabase(name, reason: .odbName) }
        let connection: Connection
        let started = ContinuousClock.now
        do {
            connection = try Connection(conninfo: conninfo, database: name)
        } catch let error as PostgresError {
            // A server that never answered: asking it again (below) would only wait as long again.
            // (libpq counts its deadline in whole seconds: it may give up up to one early.)
            if ContinuousClock.now - started >= .seconds(Connection.connectTimeoutSeconds - 1) {
                throw OdbError.cannotConnect(
                    server: server.display,
                    reason:
                        "\(error.message): no answer within \(Connection.connectTimeoutSeconds) s (PGCONNECT_TIMEOUT or connect_timeout sets another deadline)"
                )
            }
            // libpq reports a refused connection as text only, in the server's language: whether
            // the database is missing is asked of the catalog instead.
            if try isMissing(name, conninfo: conninfo) {
                guard create else { throw OdbError.noControlDatabase(name: name, server: server.display) }
                try Self.create(name, conninfo: conninfo, server: server)
            }
            // Made here, or by another odb since this one tried (two `odb init` at once); when it
            // was there all along, the same error comes back.
            connection = try connect(conninfo, database: name, server: server)
        }
        try SupportedVersions.check(connection.serverVersion, server: server.display)
        try connection.limitAbandonedStatements()
        let others = also.filter { $0 != name }
        let control = ControlDatabase(name: name, connection: connection, server: server, also: others)
        try ControlSchema(connection: connection).migrate(also: others)
        return control
    }

    static func connect(_ conninfo: String, database: String, server: Server) throws -> Connection {
        do {
            return try Connection(conninfo: conninfo, database: database)
        } catch let error as PostgresError {
            throw OdbError.cannotConnect(server: server.display, reason: error.message)
        }
    }

    /// Whether the server has no database `name`, asked through one it is sure to have; false
    /// when that cannot be asked either (then the first error is the one to report).
    private static func isMissing(_ name: String, conninfo: String) throws -> Bool {
        for maintenance in ["postgres", "template1"] {
            guard let connection = try? Connection(conninfo: conninfo, database: maintenance) else { continue }
            return try !connection.databaseExists(name)
        }
        return false
    }

    private static func create(_ name: String, conninfo: String, server: Server) throws {
        let maintenance = try connect(conninfo, database: "postgres", server: server)
        do {
            try maintenance.query("CREATE DATABASE \(identifier: name)")
        } catch SQLState.duplicateDatabase, SQLState.uniqueViolation {
            // Another odb made it first (at the same moment: then the catalog's unique index says so).
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw OdbError.notPermitted(.createControlDatabase(name), reason: error.message)
        }
    }

    /// Whether a database of that name exists on the server.
    func databaseExists(_ name: String) throws -> Bool { try connection.databaseExists(name) }
}

extension Connection {
    /// Has the server end a statement whose client went away (PostgreSQL 14 and later checks the
    /// socket every second while it runs), so that a copy whose odb was killed stops at once.
    func limitAbandonedStatements() throws {
        guard serverVersion >= 140_000 else { return }
        try query("SET client_connection_check_interval = 1000")
    }
}
