import ArgumentParser
import Revisions

extension ODB.ServerCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say which server odb uses and whether it runs.")
        @OptionGroup(title: "Connection") var connection: ConnectionOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        struct Report: Encodable {
            let source: String
            let server: String
            let running: Bool
            let port: Int?
            let pid: Int32?
            let directory: String?
            let socket: String?
        }

        func run() async throws {
            try await failing {
                let server = try chooseServer(connection)
                var report = Report(
                    source: server.source.rawValue, server: server.display, running: false, port: nil, pid: nil,
                    directory: nil, socket: nil)
                if let cluster = server.cluster {
                    let status = cluster.status()
                    var port: Int?
                    var pid: Int32?
                    if case .running(let runningPid, let runningPort) = status { (pid, port) = (runningPid, runningPort) }
                    if case .stopped(let stoppedPort) = status { port = stoppedPort }
                    report = Report(
                        source: server.source.rawValue, server: server.display, running: pid != nil, port: port, pid: pid,
                        directory: cluster.directory, socket: cluster.socketDirectory)
                } else {
                    report = Report(
                        source: server.source.rawValue, server: server.display,
                        running: Connection.ping(conninfo: server.conninfo), port: nil, pid: nil, directory: nil, socket: nil)
                }
                try output.emit(report) {
                    var lines = ["server : \(report.server)", "chosen : by \(report.source)"]
                    if let directory = report.directory {
                        if server.cluster?.isInitialized == false {
                            lines.append("status : not created yet (the first command that needs it creates it)")
                        } else {
                            lines.append("status : \(report.running ? "running, pid \(report.pid ?? 0)" : "stopped")")
                        }
                        lines.append("data   : \(directory)/data")
                        if let port = report.port { lines.append("socket : \(report.socket ?? ""), port \(port)") }
                    } else {
                        lines.append("status : \(report.running ? "answering" : "not answering")")
                    }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }
}
