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
            if current.path == "/" { return nil }
            current.deleteLastPathComponent()
        }
    }

    /// The nearest project, or a new one in `directory` (its `.odb/` made when first written).
    public static func findOrNew(from directory: String) -> Project {
        find(from: directory) ?? Project(root: URL(fileURLWithPath: directory).standardizedFileURL.path)
    }

    /// The embedded cluster of this project: in `.odb/cluster`, or under `ODB_CLUSTER_DIR`.
    ///
    /// When odb runs as root and the server's user cannot reach `.odb/` (a project under /root),
    /// the cluster goes to /var/lib/odb/clusters/NAME-HASH, a place it can reach; `odb server
    /// status` says where.
    public func cluster(environment: [String: String], settings: EmbeddedCluster.Settings) -> EmbeddedCluster {
        if let explicit = environment["ODB_CLUSTER_DIR"], !explicit.isEmpty {
            return EmbeddedCluster(directory: explicit, settings: settings)
        }
        let inside = odbDirectory + "/cluster"
        if SystemUser.isRoot, let user = SystemUser.named(settings.serverUser),
            !FileManager.default.fileExists(atPath: inside + "/data"),
            !user.canReach(reachableAncestor(of: root))
        {
            let name = URL(fileURLWithPath: root).lastPathComponent
            return EmbeddedCluster(directory: "/var/lib/odb/clusters/\(name)-\(stableHash(root))", settings: settings)
        }
        return EmbeddedCluster(directory: inside, settings: settings)
    }

    private func reachableAncestor(of path: String) -> String {
        var current = URL(fileURLWithPath: path)
        while !FileManager.default.fileExists(atPath: current.path) { current.deleteLastPathComponent() }
        return current.path
    }

    // MARK: The current database

    struct Config: Codable {
        var database: String?
    }

    /// The database odb works on when no `-d` is given.
    public var currentDatabase: String? {
        guard let data = FileManager.default.contents(atPath: configFile) else { return nil }
        return (try? JSONDecoder().decode(Config.self, from: data))?.database
    }

    public func setCurrentDatabase(_ database: String?) throws {
        try makeDirectory(odbDirectory, mode: SystemUser.isRoot ? 0o755 : 0o700, owner: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(Config(database: database)).write(to: URL(fileURLWithPath: configFile), options: .atomic)
        } catch {
            throw OdbError.notWritable(path: configFile, reason: error.localizedDescription)
        }
    }
}
