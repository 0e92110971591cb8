import Foundation

/// How a program odb runs (pg_dump, pg_restore, a hook) reaches one database: a conninfo without
/// the password for its arguments, the password only in its environment.
public struct ServerAccess: Sendable {
    public let server: Server
    /// The server's conninfo without a database (`Workspace.conninfo`).
    public let conninfo: String

    public init(server: Server, conninfo: String) {
        self.server = server
        self.conninfo = conninfo
    }

    /// `--dbname=…` for PostgreSQL's programs, and the environment that carries the password.
    func connection(to database: String) -> (argument: String, environment: [String: String?]) {
        let (text, password) = server.conninfo(conninfo, database: database)
        return ("--dbname=" + text, password.map { ["PGPASSWORD": $0] } ?? [:])
    }

    /// What a hook gets: libpq's variables and DATABASE_URL for `database`, and odb's own names.
    /// The password, if there is one, only as PGPASSWORD.
    func hookEnvironment(database: String, extra: [String: String]) -> [String: String?] {
        let options = parsedOptions(conninfo)
        let environment = ProcessInfo.processInfo.environment
        var variables: [String: String?] = [
            "DATABASE_URL": server.url(conninfo, database: database),
            "PGDATABASE": database,
            "PGHOST": options["host"] ?? options["hostaddr"] ?? environment["PGHOST"],
            "PGPORT": options["port"] ?? environment["PGPORT"],
            "PGUSER": options["user"] ?? environment["PGUSER"],
            "PGSERVICE": nil,
            "ODB_DATABASE": database,
        ]
        if let password = options["password"] { variables["PGPASSWORD"] = password }
        for (name, value) in extra { variables[name] = value }
        return variables
    }
}

/// The user's own command lines odb runs before a dump (`--pre-dump`) or a swap (`--pre-swap`),
/// each through `/bin/sh -c` exactly as given: the context comes only through the environment.
public struct Hooks: Sendable {
    public var commands: [String]

    public init(_ commands: [String]) { self.commands = commands }

    func run(_ stage: String, environment: [String: String?]) async throws {
        for command in commands {
            let result: ProgramResult
            do {
                result = try await Program("/bin/sh", ["-c", command], environment: .inherited(changing: environment)).result(
                    output: .collected(limit: 1 << 20))
            } catch let error as ProgramError {
                throw OdbError.hookFailed(stage: stage, command: command, reason: error.description)
            }
            if !result.succeeded {
                throw OdbError.hookFailed(stage: stage, command: command, reason: "\(result.status): \(result.lastErrorLine)")
            }
        }
    }
}
