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
    let environment = ProcessInfo.processInfo.environment
    let user = options["user"] ?? environment["PGUSER"]
    var host = options["host"] ?? options["hostaddr"] ?? environment["PGHOST"] ?? "local socket"
    if let service = options["service"] ?? environment["PGSERVICE"] { host = "service \(service)" }
    let port = options["port"] ?? environment["PGPORT"]
    let password = options["password"] != nil ? ":****" : ""
    return "postgresql://" + (user.map { "\($0)\(password)@" } ?? "") + host + (port.map { ":\($0)" } ?? "")
}
