import Foundation

/// The settings of `dump`, `restore`, `ls`, `push` and `pull`, each taken from the first place
/// that has it: the command line, then the configuration named with `-c` (`[dump.NAME]`,
/// `[restore.NAME]`; without `-c`, the one named `default` when the file has it), then the file's
/// defaults (its top level, and the `[dump]` or `[restore]` table's own keys), then the
/// environment (`ODB_STORAGE`, `ODB_INSTANCE`), then odb's built-in value.
public struct BackupSettings: Sendable, Equatable {
    public enum Command: String, Sendable {
        case dump
        case restore
    }

    /// What the command line gave; nil (or empty) where it gave nothing.
    public struct Given: Sendable, Equatable {
        public var storage: String?
        public var config: String?
        public var excludeData: [String] = []
        public var preDump: [String] = []
        public var preSwap: [String] = []

        public init(
            storage: String? = nil, config: String? = nil, excludeData: [String] = [], preDump: [String] = [],
            preSwap: [String] = []
        ) {
            self.storage = storage
            self.config = config
            self.excludeData = excludeData
            self.preDump = preDump
            self.preSwap = preSwap
        }
    }

    public var storage: String
    public var instance: String
    /// The configuration used, `none` when none was.
    public var config: String
    public var excludeData: [String]
    public var preDump: [String]
    public var preSwap: [String]
    public var allowRestore: Bool

    /// The settings for `command` by the order above.
    public static func resolve(
        _ command: Command, given: Given, file: ProjectConfiguration, environment: [String: String], hostName: String
    ) throws -> BackupSettings {
        let section = file.table(command.rawValue)
        let named: ConfigurationTable?
        if let name = given.config {
            guard let table = section?.table(name) else { throw OdbError.unknownConfiguration(name, path: file.path) }
            named = table
        } else {
            named = section?.table("default")
        }
        let config = named == nil ? "none" : (given.config ?? "default")
        // The places after the command line, in order.
        let tables = [named, section, file.top].compactMap { $0 }
        func first<T>(_ read: (ConfigurationTable) throws -> T?) rethrows -> T? {
            for table in tables { if let value = try read(table) { return value } }
            return nil
        }
        func list(_ given: [String], _ key: String) throws -> [String] {
            given.isEmpty ? try first { try $0.strings(key) } ?? [] : given
        }
        let storage =
            try given.storage ?? first { try $0.string("storage") } ?? environment["ODB_STORAGE"].flatMap {
                $0.isEmpty ? nil : $0
            }
            ?? StorageLocation.defaultFolder
        let instance =
            try first { try $0.string("instance") } ?? environment["ODB_INSTANCE"].flatMap { $0.isEmpty ? nil : $0 } ?? hostName
        return BackupSettings(
            storage: storage, instance: instance, config: config, excludeData: try list(given.excludeData, "exclude_data"),
            preDump: try list(given.preDump, "pre_dump"), preSwap: try list(given.preSwap, "pre_swap"),
            allowRestore: try first { try $0.bool("allow_restore") } ?? true)
    }
}
