import Foundation
import TOMLKit

/// The project's `odb.toml`, at its root (the folder holding `.odb/`, or the nearest folder above
/// the current one holding an `odb.toml`), read with TOMLKit into plain values. Each concern reads
/// its own tables: `[dump]`, `[restore]` (see `BackupSettings`), `[migrate]`, …; odb never writes it.
public struct ProjectConfiguration: Sendable, Equatable {
    public static let fileName = "odb.toml"

    /// The file read; nil when the project has none (then every table is empty).
    public let path: String?
    /// The file's top level.
    public let top: ConfigurationTable

    public init(path: String?, top: ConfigurationTable) {
        self.path = path
        self.top = top
    }

    /// No file: every lookup finds nothing.
    public static let none = ProjectConfiguration(path: nil, top: ConfigurationTable(values: [:], name: fileName))

    /// The configuration of the project at or above `directory`.
    public static func load(from directory: String) throws -> ProjectConfiguration {
        guard let path = find(from: directory) else { return .none }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw OdbError.invalidConfiguration(path: path, reason: error.localizedDescription)
        }
        return try parse(text, path: path)
    }

    /// Parses `text` as the file at `path`.
    public static func parse(_ text: String, path: String) throws -> ProjectConfiguration {
        do {
            let table = try TOMLTable(string: text)
            return ProjectConfiguration(path: path, top: ConfigurationTable(values: convert(table), name: fileName))
        } catch let error as TOMLParseError {
            throw OdbError.invalidConfiguration(
                path: path, reason: "\(error.description) (line \(error.source.begin.line))")
        }
    }

    /// `odb.toml` in the project's root when there is a project, else in the nearest folder above.
    static func find(from directory: String) -> String? {
        if let project = Project.find(from: directory) {
            let path = project.root + "/" + fileName
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        var current = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            let path = current.path == "/" ? "/" + fileName : current.path + "/" + fileName
            if FileManager.default.fileExists(atPath: path) { return path }
            if current.path == "/" { return nil }
            current.deleteLastPathComponent()
        }
    }

    /// The table at `path` (`table("dump", "anonymized")`), if the file has one.
    public func table(_ path: String...) -> ConfigurationTable? {
        var current: ConfigurationTable? = top
        for name in path { current = current?.table(name) }
        return current
    }

    static func convert(_ table: TOMLTable) -> [String: ConfigurationValue] {
        var values: [String: ConfigurationValue] = [:]
        for key in table.keys {
            if let value = table[key] { values[key] = convert(value) }
        }
        return values
    }

    static func convert(_ value: any TOMLValueConvertible) -> ConfigurationValue {
        if let table = value.table { return .table(convert(table)) }
        if let array = value.array { return .array(array.map { convert($0) }) }
        if let string = value.string { return .string(string) }
        if let bool = value.bool { return .bool(bool) }
        if let int = value.int { return .integer(int) }
        return .other(value.debugDescription)
    }
}

/// One value of `odb.toml`.
public enum ConfigurationValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([ConfigurationValue])
    case table([String: ConfigurationValue])
    /// A float, a date or a time, as TOML writes it.
    case other(String)
}

/// A table of `odb.toml`, with typed lookups that name the key when its value has the wrong type.
public struct ConfigurationTable: Sendable, Equatable {
    public let values: [String: ConfigurationValue]
    /// `dump.anonymized`, for messages.
    public let name: String

    public var keys: [String] { values.keys.sorted() }

    public func table(_ key: String) -> ConfigurationTable? {
        guard case .table(let values)? = values[key] else { return nil }
        return ConfigurationTable(values: values, name: name == ProjectConfiguration.fileName ? key : name + "." + key)
    }

    public func string(_ key: String) throws -> String? {
        switch values[key] {
        case nil: return nil
        case .string(let text)?: return text
        default: throw wrongType(key, "a string")
        }
    }

    /// A string or an array of strings.
    public func strings(_ key: String) throws -> [String]? {
        switch values[key] {
        case nil: return nil
        case .string(let text)?: return [text]
        case .array(let items)?:
            return try items.map {
                guard case .string(let text) = $0 else { throw wrongType(key, "a list of strings") }
                return text
            }
        default: throw wrongType(key, "a string or a list of strings")
        }
    }

    public func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil: return nil
        case .bool(let value)?: return value
        default: throw wrongType(key, "true or false")
        }
    }

    func wrongType(_ key: String, _ expected: String) -> OdbError {
        .invalidConfiguration(path: ProjectConfiguration.fileName, reason: "'\(name).\(key)' must be \(expected)")
    }
}
