import Foundation

/// odb's private PostgreSQL cluster: created on first use, started on demand, listening on a unix
/// socket in a folder only its owner can open (no TCP unless asked for).
///
/// When odb runs as root, the server runs as an unprivileged user (`postgres` by default), since
/// PostgreSQL refuses to run as root.
public struct EmbeddedCluster: Sendable {
    /// Where the cluster's files live: the data folder, the socket folder and the log.
    public let directory: String
    public let settings: Settings

    public struct Settings: Sendable {
        /// Skip fsync: only for throwaway clusters such as the tests' own.
        public var durable = true
        /// Listen on localhost too, not only on the private socket.
        public var tcp = false
        /// The ports to choose from.
        public var ports: ClosedRange<Int> = 15000...16000
        /// The unprivileged user the server runs as when odb runs as root.
        public var serverUser = "postgres"
        /// How long to wait for the server to answer.
        public var startTimeout: Duration = .seconds(60)
        /// More server settings (`name = value`, the value as postgresql.conf takes it).
        public var serverSettings: [String: String] = [:]

        public init(
            durable: Bool = true, tcp: Bool = false, ports: ClosedRange<Int> = 15000...16000, serverUser: String = "postgres"
        ) {
            self.durable = durable
            self.tcp = tcp
            self.ports = ports
            self.serverUser = serverUser
        }
    }

    public init(directory: String, settings: Settings = Settings()) {
        self.directory = directory
        self.settings = settings
    }

    /// The superuser the cluster is made with.
    public static let superuser = "postgres"

    public var dataDirectory: String { directory + "/data" }
    public var logFile: String { directory + "/server.log" }
    var configFile: String { dataDirectory + "/odb.conf" }

    /// The socket folder: inside the cluster's folder, unless that path is too long for a unix
    /// socket (108 bytes with `.s.PGSQL.NNNNN`), then a short private folder under /tmp.
    public var socketDirectory: String {
        let inside = directory + "/run"
        if inside.utf8.count + 16 < 104 { return inside }
        return "/tmp/odb-\(stableHash(directory))"
    }

    /// The user the server programs run as: nil when odb itself is not root.
    func serverUser() throws -> SystemUser? {
        guard SystemUser.isRoot else { return nil }
        guard let user = SystemUser.named(settings.serverUser) else { throw OdbError.userMissing(settings.serverUser) }
        return user
    }

    // MARK: Status

    public enum Status: Sendable, Equatable {
        case notInitialized
        case stopped(port: Int?)
        case running(pid: Int32, port: Int)
    }

    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION")
    }

    public func status() -> Status {
        guard isInitialized else { return .notInitialized }
        if let (pid, port) = postmaster(), processIsPostgres(pid), Connection.ping(conninfo: conninfo(port: port)) {
            return .running(pid: pid, port: port)
        }
        return .stopped(port: configuredPort())
    }

    /// A conninfo string for one database of this cluster.
    public func conninfo(port: Int, database: String? = nil) -> String {
        var parts = ["host=\(quoteConninfo(socketDirectory))", "port=\(port)", "user=\(Self.superuser)"]
        if let database { parts.append("dbname=\(quoteConninfo(database))") }
        return parts.joined(separator: " ")
    }

    // MARK: Creating

    /// Runs initdb into a temporary folder and moves it into place, so that a killed initdb never
    /// leaves a half-made cluster where odb would look for one.
    public func initialize(programs: PostgresPrograms) async throws {
        if isInitialized { return }
        let fileManager = FileManager.default
        let user = try serverUser()
        try makeDirectory(directory, mode: user == nil ? 0o700 : 0o755, owner: nil)
        if let user, !user.canReach(directory) {
            throw OdbError.clusterUnreachable(user: user.name, path: directory)
        }
        if fileManager.fileExists(atPath: dataDirectory) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: dataDirectory)) ?? []
            if !contents.isEmpty {
                throw OdbError.clusterDamaged(path: dataDirectory, reason: "it has files but no PG_VERSION")
            }
            try? fileManager.removeItem(atPath: dataDirectory)
        }
        let building = directory + "/data.initdb"
        try? fileManager.removeItem(atPath: building)
        try makeDirectory(building, mode: 0o700, owner: user)
        var arguments = ["-D", building, "-U", Self.superuser, "--auth=trust", "--encoding=UTF8", "--locale=C"]
        if !settings.durable { arguments.append("--no-sync") }
        let initdb = Program(
            try programs.path(of: "initdb"), arguments, environment: .inherited(changing: ["LC_ALL": "C"]),
            workingDirectory: building, user: user)
        do {
            try await initdb.run()
        } catch let error as ProgramError {
            try? fileManager.removeItem(atPath: building)
            throw OdbError.clusterStartFailed(reason: error.description, log: logFile)
        }
        let include = "\n# odb's settings (port, socket) live in odb.conf\ninclude_if_exists = 'odb.conf'\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: building + "/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(include.utf8))
        try handle.close()
        try requirePasswordsOverTCP(in: building)
        try writeConfig(port: try freePort(), into: building)
        if let user { try chown(building + "/odb.conf", user) }
        try fileManager.moveItem(atPath: building, toPath: dataDirectory)
    }

    // MARK: Starting and stopping

    public enum StartOutcome: Sendable, Equatable {
        case started(port: Int)
        case alreadyRunning(port: Int)
    }

    /// Starts the server (creating the cluster first if needed) and waits until it answers. One
    /// odb at a time creates or starts it (a file lock: the others wait and then find it running),
    /// and none while an administrator's `pg_ctl` starts, stops or restarts it. With TCP asked
    /// for, connections over TCP need the password of `passwordFile`; a cluster already running
    /// without TCP is refused rather than reported as started. Each wait has `startTimeout` of its
    /// own, counted from when it begins: a slow initdb, or another odb's start, never leaves the
    /// server itself less time to answer.
    @discardableResult
    public func start(programs: PostgresPrograms) async throws -> StartOutcome {
        try await withStartLock(until: ContinuousClock.now + settings.startTimeout) {
            try await initialize(programs: programs)
            try await waitForAdministrator(until: ContinuousClock.now + settings.startTimeout)
            if case .running(_, let port) = status() {
                if settings.tcp {
                    guard listensOnTCP() else { throw OdbError.clusterRunningWithoutTCP(port: port) }
                    try setUpPassword(port: port)
                }
                return .alreadyRunning(port: port)
            }
            try await checkVersion(programs: programs)
            let outcome = try await launch(programs: programs)
            if settings.tcp, case .started(let port) = outcome { try setUpPassword(port: port) }
            return outcome
        }
    }

    /// Runs `pg_ctl start`, trying other ports when the configured one is taken. Every try waits up
    /// to `startTimeout` for the server; tries go on, for a killed postmaster's leftovers, only
    /// within that time from the first.
    private func launch(programs: PostgresPrograms) async throws -> StartOutcome {
        let deadline = ContinuousClock.now + settings.startTimeout
        let seconds = String(max(1, settings.startTimeout.components.seconds))
        let user = try serverUser()
        try requirePasswordsOverTCP(in: dataDirectory)
        try makeDirectory(socketDirectory, mode: 0o700, owner: user)
        if !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        if let user { try chown(logFile, user) }
        removeStalePostmasterFile()

        var port = try configuredPort() ?? freePort()
        var triedPorts: Set<Int> = []
        while true {
            try writeConfig(port: port, into: dataDirectory)
            let logStart = fileSize(logFile)
            let result = try await Program(
                try programs.path(of: "pg_ctl"),
                ["start", "-w", "-s", "-t", seconds, "-D", dataDirectory, "-l", logFile],
                workingDirectory: dataDirectory, user: user
            ).result()
            if result.succeeded, Connection.ping(conninfo: conninfo(port: port)) {
                return .started(port: port)
            }
            let log = readLog(from: logStart)
            if log.contains("Address already in use") || log.contains("could not create lock file") {
                triedPorts.insert(port)
                guard let next = try? freePort(excluding: triedPorts) else { throw OdbError.portsExhausted(settings.ports) }
                port = next
                continue
            }
            if log.contains("lock file"), log.contains("already exists"), ContinuousClock.now < deadline {
                // A killed postmaster's lock files, named by a pid that was still exiting.
                try await Task.sleep(for: .milliseconds(100))
                removeStalePostmasterFile()
                continue
            }
            if log.contains("pre-existing shared memory block is still in use"), ContinuousClock.now < deadline {
                // The backends of a killed postmaster are still exiting; they notice within moments.
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            let reason =
                log.split(whereSeparator: \.isNewline).last { $0.contains("FATAL") || $0.contains("ERROR") }
                .map(String.init) ?? result.lastErrorLine
            throw OdbError.clusterStartFailed(reason: reason, log: logFile)
        }
    }

    public enum StopOutcome: Sendable, Equatable {
        case stopped
        case wasNotRunning
    }

    /// Stops the server (fast mode: open sessions are ended, nothing is lost).
    @discardableResult
    public func stop(programs: PostgresPrograms) async throws -> StopOutcome {
        guard case .running = status() else {
            removeStalePostmasterFile()
            return .wasNotRunning
        }
        let stop = Program(
            try programs.path(of: "pg_ctl"), ["stop", "-w", "-s", "-m", "fast", "-t", "60", "-D", dataDirectory],
            workingDirectory: dataDirectory, user: try serverUser())
        do {
            try await stop.run()
        } catch let error as ProgramError {
            throw OdbError.clusterStartFailed(reason: error.description, log: logFile)
        }
        return .stopped
    }

    /// The last lines of the server's log.
    public func logTail(lines: Int) -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n")
    }

    private func readLog(from offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: logFile) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
