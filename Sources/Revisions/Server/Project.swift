import Foundation

/// A project: the folder holding `.odb/`, found like git finds `.git` (the current folder or its
/// nearest parent holding one). `.odb/` remembers the current database and holds the embedded
/// cluster; it never holds a password.
public struct Project: Sendable {
    public static let folderName = ".odb"

    /// The folder that holds `.odb/`.
    public let root: String
    public var odbDirectory: String { root + "/" + Self.folderName }
    var configFile: String { odbDirectory + "/config.json" }

    public init(root: String) {
        self.root = root
    }

    /// The nearest project at or above `directory`, if any.
    public static func find(from directory: String) -> Project? {
        var current = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: current.path + "/" + folderName, isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                return Project(root: current.path)
            }
            // At the top, or a path that does not shorten (odb's own folder was deleted, so the
            // current directory reads as a relative or empty path): nothing above to look in.
            let path = current.path
            if path == "/" || path.isEmpty { return nil }
            current.deleteLastPathComponent()
            if current.path == path { return nil }
        }
    }

    /// The nearest project, or a new one in `directory` (its `.odb/` made when first written).
    public static func findOrNew(from directory: String) -> Project {
        find(from: directory) ?? Project(root: URL(fileURLWithPath: directory).standardizedFileURL.path)
    }

    /// The embedded cluster of this project: under `ODB_CLUSTER_DIR`, else where the project
    /// remembers it (a cluster outside `.odb/` stays found when the folder moves), else in
    /// `.odb/cluster`.
    ///
    /// When odb runs as root and the server's user cannot reach `.odb/` (a project under /root),
    /// the cluster goes to /var/lib/odb/clusters/NAME-ID, a place it can reach, named by the
    /// project's identity rather than its path; `odb server status` says where.
    public func cluster(environment: [String: String], settings: EmbeddedCluster.Settings) -> EmbeddedCluster {
        if let explicit = environment["ODB_CLUSTER_DIR"], !explicit.isEmpty {
            return EmbeddedCluster(directory: explicit, settings: settings)
        }
        if let remembered = (try? config())?.server?.clusterDirectory {
            return EmbeddedCluster(directory: remembered, settings: settings)
        }
        let inside = odbDirectory + "/cluster"
        if SystemUser.isRoot, let user = SystemUser.named(settings.serverUser),
            !FileManager.default.fileExists(atPath: inside + "/data"),
            !user.canReach(reachableAncestor(of: root))
        {
            let name = URL(fileURLWithPath: root).lastPathComponent
            let identity = (try? config())?.id ?? stableHash(root)
            return EmbeddedCluster(directory: "/var/lib/odb/clusters/\(name)-\(identity)", settings: settings)
        }
        return EmbeddedCluster(directory: inside, settings: settings)
    }

    private func reachableAncestor(of path: String) -> String {
        var current = URL(fileURLWithPath: path)
        while !FileManager.default.fileExists(atPath: current.path) { current.deleteLastPathComponent() }
        return current.path
    }

    // MARK: What the project remembers

    /// `.odb/config.json`: the current database, the server the project was set up on (never
    /// with a password), and the project's identity. Every field is optional, so older files read.
    public struct Config: Codable, Equatable, Sendable {
        public var database: String?
        public var server: RememberedServer?
        /// Made once, when the file is first written; names a cluster outside `.odb/`.
        public var id: String?

        public init(database: String? = nil, server: RememberedServer? = nil, id: String? = nil) {
            self.database = database
            self.server = server
            self.id = id
        }
    }

    /// The server a project works against until told otherwise.
    public struct RememberedServer: Codable, Equatable, Sendable {
        /// A conninfo without a password; nil for the embedded cluster.
        public var url: String?
        /// The control database, when not the default.
        public var controlDatabase: String?
        /// The embedded cluster's folder, when it is not `.odb/cluster`.
        public var clusterDirectory: String?

        public init(url: String? = nil, controlDatabase: String? = nil, clusterDirectory: String? = nil) {
            self.url = url
            self.controlDatabase = controlDatabase
            self.clusterDirectory = clusterDirectory
        }
    }

    /// What `.odb/config.json` holds: empty when there is none; an error naming the file when it
    /// cannot be read, rather than "nothing tracked".
    public func config() throws -> Config {
        guard let data = FileManager.default.contents(atPath: configFile) else { return Config() }
        do {
            return try JSONDecoder().decode(Config.self, from: data)
        } catch {
            throw OdbError.configCorrupt(path: configFile)
        }
    }

    /// The database odb works on when no `-d` is given (nil also when the file is unreadable,
    /// which `config()` reports).
    public var currentDatabase: String? { (try? config())?.database }

    public func setCurrentDatabase(_ database: String?) throws {
        var config = try self.config()
        config.database = database
        try write(config)
    }

    /// Remembers the server (and control database, cluster folder) this project works against.
    public func remember(_ server: RememberedServer) throws {
        var config = try self.config()
        config.server = server
        try write(config)
    }

    func write(_ config: Config) throws {
        var config = config
        if config.id == nil {
            config.id = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)).lowercased()
        }
        try makeDirectory(odbDirectory, mode: SystemUser.isRoot ? 0o755 : 0o700, owner: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(config).write(to: URL(fileURLWithPath: configFile), options: .atomic)
        } catch {
            throw OdbError.notWritable(path: configFile, reason: error.localizedDescription)
        }
    }
}
