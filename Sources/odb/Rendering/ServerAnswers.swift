import Revisions

extension Answer {
    /// `odb server start`; `directory` is the cluster's folder.
    static func started(_ outcome: EmbeddedCluster.StartOutcome, in directory: String) -> Answer {
        switch outcome {
        case .started(let port):
            Answer(
                value: ServerStarted(started: true, port: port, directory: directory),
                text: "Started the embedded cluster in \(directory), port \(port)")
        case .alreadyRunning(let port):
            Answer(
                value: ServerStarted(started: false, port: port, directory: directory),
                text: "The embedded cluster is already running, port \(port)")
        }
    }

    /// `odb server stop`.
    static func stopped(_ outcome: EmbeddedCluster.StopOutcome) -> Answer {
        Answer(
            value: ["stopped": outcome == .stopped],
            text: outcome == .stopped ? "Stopped the embedded cluster" : "The embedded cluster was not running")
    }

    /// `odb server status`: which server odb chose and why, and whether it runs. `status` is the
    /// embedded cluster's (nil for another server); `answering` whether another server answered.
    /// `tcp`: whether the running embedded cluster listens on TCP (nil: not known or not asked).
    static func serverStatus(_ server: Server, status: EmbeddedCluster.Status?, answering: Bool, tcp: Bool? = nil) -> Answer {
        let report = ServerReport(server, status: status, answering: answering, tcp: tcp)
        var lines = ["server : \(report.server)", "chosen : \(Text.reason(server.source))"]
        if let directory = report.directory {
            if status == .notInitialized {
                lines.append("status : not created yet (the first command that needs it creates it)")
            } else {
                lines.append("status : \(report.running ? "running, pid \(report.pid ?? 0)" : "stopped")")
            }
            lines.append("data   : \(directory)/data")
            if let port = report.port { lines.append("socket : \(report.socket ?? ""), port \(port)") }
            if let tcp = report.tcp, let port = report.port {
                lines.append(
                    tcp
                        ? "tcp    : on, localhost:\(port), password required (in \(report.passwordFile ?? ""); odb url names it)"
                        : "tcp    : off (odb server start --tcp turns it on)")
            }
        } else {
            lines.append("status : \(report.running ? "answering" : "not answering")")
        }
        return Answer(value: report, text: lines.joined(separator: "\n"))
    }
}

/// What `odb server status --json` prints; the cluster's fields only for the embedded cluster.
struct ServerReport: Encodable, Equatable {
    let source: String
    let server: String
    let running: Bool
    let port: Int?
    let pid: Int32?
    let directory: String?
    let socket: String?
    /// Whether the running embedded cluster listens on TCP, and the file holding its password.
    let tcp: Bool?
    let passwordFile: String?

    init(_ server: Server, status: EmbeddedCluster.Status?, answering: Bool, tcp: Bool? = nil) {
        self.tcp = tcp
        passwordFile = tcp == true ? server.cluster?.passwordFile : nil
        source = server.source.rawValue
        self.server = server.display
        var port: Int?
        var pid: Int32?
        if case .running(let runningPid, let runningPort) = status { (pid, port) = (runningPid, runningPort) }
        if case .stopped(let stoppedPort) = status { port = stoppedPort }
        (self.port, self.pid) = (port, pid)
        if let cluster = server.cluster {
            running = pid != nil
            directory = cluster.directory
            socket = cluster.socketDirectory
        } else {
            running = answering
            directory = nil
            socket = nil
        }
    }
}

/// What `odb server start --json` prints: `started` false when it was already running.
struct ServerStarted: Encodable, Equatable {
    let started: Bool
    let port: Int
    let directory: String
}

extension Text {
    /// Why odb chose its server, for `odb server status`.
    static func reason(_ source: Server.Source) -> String {
        switch source {
        case .embeddedFlag: "by --embedded"
        case .commandLine: "by --url"
        case .odbURL: "by ODB_URL"
        case .project: "by the project (.odb/config.json, written by odb init; --url, ODB_URL or --embedded override it)"
        case .libpqEnvironment: "by the PG* environment variables"
        case .clusterDirectory: "by ODB_CLUSTER_DIR"
        case .embedded: "by default: no --url, ODB_URL, project server or PG* variables"
        }
    }
}
