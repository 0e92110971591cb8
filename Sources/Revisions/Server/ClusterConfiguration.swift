import Foundation

/// The embedded cluster's own settings file, `odb.conf`, which postgresql.conf includes: the port,
/// the private socket folder, TCP or not, durability, and the tests' extra settings.
extension EmbeddedCluster {
    /// The port `odb.conf` names, if it is there.
    func configuredPort() -> Int? {
        guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("port = ") {
            return Int(line.dropFirst("port = ".count))
        }
        return nil
    }

    /// Writes `odb.conf` into `folder` (the data folder, or initdb's before it is moved into place).
    func writeConfig(port: Int, into folder: String) throws {
        let text = """
            # Written by odb: the embedded cluster's address. Edit postgresql.conf for anything else.
            port = \(port)
            listen_addresses = '\(settings.tcp ? "localhost" : "")'
            unix_socket_directories = '\(socketDirectory.replacingOccurrences(of: "'", with: "''"))'
            unix_socket_permissions = 0700
            # odb reads a few start-up failures in the log: keep the log's language fixed.
            lc_messages = 'C'
            fsync = \(settings.durable ? "on" : "off")
            synchronous_commit = \(settings.durable ? "on" : "off")
            full_page_writes = \(settings.durable ? "on" : "off")
            \(settings.serverSettings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n"))

            """
        do {
            try text.write(toFile: folder + "/odb.conf", atomically: true, encoding: .utf8)
        } catch {
            throw OdbError.notWritable(path: folder, reason: error.localizedDescription)
        }
        if let user = try serverUser() { try chown(folder + "/odb.conf", user) }
    }

    /// A port in the range that nothing listens on, picked at random so that projects rarely meet.
    func freePort(excluding excluded: Set<Int> = []) throws -> Int {
        let candidates = settings.ports.filter { !excluded.contains($0) }.shuffled()
        for port in candidates.prefix(200) where portIsFree(port) {
            return port
        }
        throw OdbError.portsExhausted(settings.ports)
    }
}
