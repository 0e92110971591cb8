import CLibPQ
import Foundation

/// The PostgreSQL server odb works against, and why that one was chosen.
///
/// In order: `--embedded` (the embedded cluster, whatever else is set), `--url`, `ODB_URL`, then
/// the server the project remembers (`odb init` wrote it in `.odb/config.json`), then libpq's own
/// environment (`PGHOST`, `PGPORT`, `PGSERVICE`, …) when any of it is set, and otherwise the
/// project's embedded cluster. A remembered choice beats ambient libpq variables, so a stray
/// `PGDATABASE` never moves a project to another server; only an explicit URL does.
public struct Server: Sendable {
    public enum Source: String, Sendable, Codable {
        case embeddedFlag = "--embedded"
        case commandLine = "--url"
        case odbURL = "ODB_URL"
        case project = "project"
        case libpqEnvironment = "PG* environment"
        case clusterDirectory = "ODB_CLUSTER_DIR"
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
        url: String?, embedded: Bool = false, environment: [String: String], project: Project,
        settings: EmbeddedCluster.Settings = .init()
    ) throws -> Server {
        func cluster(_ source: Source) -> Server {
            let explicit = environment["ODB_CLUSTER_DIR"].map { !$0.isEmpty } ?? false
            return Server(
                source: explicit && source == .embedded ? .clusterDirectory : source, conninfo: "",
                cluster: project.cluster(environment: environment, settings: settings))
        }
        if embedded { return cluster(.embeddedFlag) }
        if let url {
            guard !url.trimmingCharacters(in: .whitespaces).isEmpty else { throw OdbError.emptyURL(source: "--url") }
            return Server(source: .commandLine, conninfo: url)
        }
        if let url = environment["ODB_URL"] {
            guard !url.trimmingCharacters(in: .whitespaces).isEmpty else { throw OdbError.emptyURL(source: "ODB_URL") }
            return Server(source: .odbURL, conninfo: url)
        }
        if let remembered = try project.config().server {
            if let url = remembered.url { return Server(source: .project, conninfo: url) }
            let server = cluster(.embedded)
            return server.source == .clusterDirectory ? server : Server(source: .project, conninfo: "", cluster: server.cluster)
        }
        if libpqVariables.contains(where: { environment[$0] != nil }) {
            return Server(source: .libpqEnvironment, conninfo: "")
        }
        return cluster(.embedded)
    }

    /// The server for people: a URL as libpq reads it, with any password masked, and where the
    /// choice came from.
    public var display: String {
        if let cluster { return "embedded cluster in \(cluster.directory)" }
        return "\(maskedAddress(conninfo)) (from \(source == .project ? ".odb/config.json" : source.rawValue))"
    }

    /// What the project remembers of this server: its conninfo without a password, the control
    /// database when not the default, the cluster's folder when it is not `.odb/cluster`.
    public func remembered(controlDatabase: String, project: Project) -> Project.RememberedServer {
        let control = controlDatabase == ControlDatabase.defaultName ? nil : controlDatabase
        if let cluster {
            let inside = cluster.directory == project.odbDirectory + "/cluster"
            return .init(url: nil, controlDatabase: control, clusterDirectory: inside ? nil : cluster.directory)
        }
        var options = parsedOptions(conninfo)
        options["password"] = nil
        options["dbname"] = nil
        // libpq's environment as it was: written out, so that the project keeps it.
        if conninfo.isEmpty {
            let environment = ProcessInfo.processInfo.environment
            for (variable, key) in [
                ("PGHOST", "host"), ("PGHOSTADDR", "hostaddr"), ("PGPORT", "port"), ("PGUSER", "user"),
                ("PGSERVICE", "service"),
            ] {
                if let value = environment[variable] { options[key] = value }
            }
        }
        let text = options.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoteConninfo($0.value))" }.joined(separator: " ")
        return .init(url: text, controlDatabase: control, clusterDirectory: nil)
    }
}

/// A conninfo string or URI as a libpq user reads it, never with its password: a URL without
/// a database (`postgresql://alice@db.internal:5433`, `postgresql://postgres@/?host=/srv/pg/run&port=5432`,
/// `postgresql://a:5544,b:5544`), or `service=NAME` for a service, with `:****` where a password was.
func maskedAddress(_ conninfo: String) -> String {
    var options = parsedOptions(conninfo)
    let environment = ProcessInfo.processInfo.environment
    for (variable, key) in [("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user"), ("PGSERVICE", "service")]
    where options[key] == nil {
        if let value = environment[variable] { options[key] = value }
    }
    if let service = options["service"] {
        func plain(_ value: String) -> String {
            value.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } ? value : quoteConninfo(value)
        }
        return "service=\(plain(service))" + (options["user"].map { " user=\(plain($0))" } ?? "")
    }
    let masked = options["password"] != nil
    options["password"] = nil
    var url = urlFor(options, database: nil)
    if masked, let at = url.range(of: "@") { url.replaceSubrange(at, with: ":****@") }
    return url
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
        var options = parsedOptions(base)
        options["password"] = nil
        return urlFor(options, database: database)
    }
}

/// A libpq URI for `options` (without a password): TCP hosts (a list too, each with its port)
/// before the path, socket folders and everything else as query parameters.
func urlFor(_ options: [String: String], database: String?) -> String {
    func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
    func encodeValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? text
    }
    let hosts = options["host"].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
    let ports = options["port"].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
    let inPath = !hosts.isEmpty && !hosts.contains { $0.hasPrefix("/") || $0.isEmpty }
    var query: [String] = []
    for (key, value) in options.sorted(by: { $0.key < $1.key }) where !["password", "dbname", "user"].contains(key) {
        if inPath, key == "host" || key == "port" { continue }
        query.append("\(key)=\(encodeValue(value))")
    }
    let user = options["user"].map { encode($0) + "@" } ?? ""
    var authority = ""
    if inPath {
        authority = hosts.enumerated().map { index, name in
            var host = name.contains(":") ? "[\(name)]" : encode(name)
            let port = ports.count == hosts.count ? ports[index] : ports.first
            if let port, !port.isEmpty { host += ":\(port)" }
            return host
        }.joined(separator: ",")
    }
    let path = database.map { "/" + encode($0) } ?? (query.isEmpty ? "" : "/")
    let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
    return "postgresql://\(user)\(authority)\(path)\(suffix)"
}

extension Server {
    /// The environment a program gets to reach `database` (`odb exec`): DATABASE_URL without a
    /// password, and libpq's own variables (PGPASSWORD among them when the URL had one).
    public func environment(_ base: String, database: String) -> [String: String?] {
        var options = parsedOptions(base)
        options["dbname"] = database
        let names = [
            "host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "user": "PGUSER", "dbname": "PGDATABASE",
            "password": "PGPASSWORD", "passfile": "PGPASSFILE", "service": "PGSERVICE", "sslmode": "PGSSLMODE",
            "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "options": "PGOPTIONS",
            "application_name": "PGAPPNAME", "connect_timeout": "PGCONNECT_TIMEOUT",
            "target_session_attrs": "PGTARGETSESSIONATTRS",
        ]
        var variables: [String: String?] = [:]
        for (key, value) in options { if let name = names[key] { variables[name] = value } }
        variables["DATABASE_URL"] = url(base, database: database)
        return variables
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
