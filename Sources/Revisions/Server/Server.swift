import CLibPQ
import Foundation

/// The PostgreSQL server odb works against, and why that one was chosen.
///
/// In order: `--url`, then `ODB_URL`, then libpq's own environment (`PGHOST`, `PGPORT`,
/// `PGSERVICE`, …) when any of it is set, and otherwise the project's embedded cluster.
public struct Server: Sendable {
    public enum Source: String, Sendable, Codable {
        case commandLine = "--url"
        case odbURL = "ODB_URL"
        case libpqEnvironment = "PG* environment"
        case embedded = "embedded cluster"
    }

    /// The variables that, when set, mean "use libpq's environment".
    public static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGSERVICE", "PGDATABASE"]

    public let source: Source
    /// A conninfo string or URI; empty for libpq's environment. Connections override its database.
    public let conninfo: String
    public let cluster: EmbeddedCluster?

    public init(source: Source, conninfo: String, cluster: EmbeddedCluster? = nil) {
        self.source = source
        self.conninfo = conninfo
        self.cluster = cluster
    }

    /// Chooses the server by the rules above. The embedded cluster is not started here.
    public static func choose(
        url: String?, environment: [String: String], project: Project, settings: EmbeddedCluster.Settings = .init()
    ) throws -> Server {
        if let url {
            guard !url.trimmingCharacters(in: .whitespaces).isEmpty else { throw OdbError.emptyURL(source: "--url") }
            return Server(source: .commandLine, conninfo: url)
        }
        if let url = environment["ODB_URL"] {
            guard !url.trimmingCharacters(in: .whitespaces).isEmpty else { throw OdbError.emptyURL(source: "ODB_URL") }
            return Server(source: .odbURL, conninfo: url)
        }
        if libpqVariables.contains(where: { environment[$0] != nil }) {
            return Server(source: .libpqEnvironment, conninfo: "")
        }
        return Server(source: .embedded, conninfo: "", cluster: project.cluster(environment: environment, settings: settings))
    }

    /// The server for people: `postgresql://user@host:port` with any password masked, and where
    /// the choice came from.
    public var display: String {
        if let cluster { return "embedded cluster in \(cluster.directory)" }
        return "\(maskedAddress(conninfo)) (from \(source.rawValue))"
    }
}

/// `user@host:port` of a conninfo string or URI as libpq reads it, never with its password.
func maskedAddress(_ conninfo: String) -> String {
    let options = parsedOptions(conninfo)
    let environment = ProcessInfo.processInfo.environment
    let user = options["user"] ?? environment["PGUSER"]
    var host = options["host"] ?? options["hostaddr"] ?? environment["PGHOST"] ?? "local socket"
    if let service = options["service"] ?? environment["PGSERVICE"] { host = "service \(service)" }
    let port = options["port"] ?? environment["PGPORT"]
    let password = options["password"] != nil ? ":****" : ""
    return "postgresql://" + (user.map { "\($0)\(password)@" } ?? "") + host + (port.map { ":\($0)" } ?? "")
}

extension Server {
    /// A conninfo string for one database, without the password, which comes back separately so
    /// that it can travel in PGPASSWORD rather than on a command line others can read.
    public func conninfo(_ base: String, database: String) -> (conninfo: String, password: String?) {
        var options = parsedOptions(base)
        let password = options.removeValue(forKey: "password")
        options["dbname"] = database
        let text = options.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoteConninfo($0.value))" }.joined(separator: " ")
        return (text, password)
    }

    /// A URL an application can use, e.g. as DATABASE_URL; never with a password.
    public func url(_ base: String, database: String) -> String {
        let options = parsedOptions(base)
        var query: [String] = []
        func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
        }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) where !["password", "dbname", "user"].contains(key) {
            if key == "host", !value.hasPrefix("/") { continue }
            if key == "port", options["host"].map({ !$0.hasPrefix("/") }) ?? false { continue }
            query.append("\(key)=\(encode(value))")
        }
        let user = options["user"].map { encode($0) + "@" } ?? ""
        var host = ""
        if let name = options["host"], !name.hasPrefix("/") {
            host = name.contains(":") ? "[\(name)]" : encode(name)
            if let port = options["port"] { host += ":\(port)" }
        }
        let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
        return "postgresql://\(user)\(host)/\(encode(database))\(suffix)"
    }
}

/// The options libpq reads from a conninfo string or URI, without its defaults.
func parsedOptions(_ conninfo: String) -> [String: String] {
    var options: [String: String] = [:]
    var errorMessage: UnsafeMutablePointer<CChar>?
    if let parsed = PQconninfoParse(conninfo.isEmpty ? "dbname=''" : conninfo, &errorMessage) {
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { options[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        PQconninfoFree(parsed)
    }
    if let errorMessage { PQfreemem(errorMessage) }
    options["dbname"] = options["dbname"].flatMap { $0.isEmpty ? nil : $0 }
    return options
}
