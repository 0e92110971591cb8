import Foundation

/// The embedded cluster's processes as its files and `/proc` show them: the postmaster that
/// `postmaster.pid` names and what state it says it is in, an administrator's `pg_ctl` at work
/// on the cluster, and the file lock that lets one odb at a time create or start the cluster.
extension EmbeddedCluster {
    /// The lines of `postmaster.pid`: pid, data folder, start time, port, socket folder, first
    /// TCP address, shared memory key, and the state (`starting`, `ready`, `stopping`, `standby`).
    func postmasterLines() -> [String]? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }

    /// Whether `pid` is a live postgres process: not gone, not another program (pids are reused
    /// after a reboot), and not a zombie — a postmaster killed with SIGKILL lingers as one for a
    /// moment, its pid still answering `kill(pid, 0)` while nothing serves.
    func processIsPostgres(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
            if state == "Z" || state == "X" { return false }
        }
        let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "postgres"
        return name.hasPrefix("postgres") || name.hasPrefix("postmaster")
    }

    /// Someone else is changing the server's state: the live postmaster says it is starting or
    /// stopping (as during `pg_ctl restart`), or a `pg_ctl` runs on this data folder.
    func administratorAtWork() -> Bool {
        if let lines = postmasterLines(), lines.count > 7, let pid = Int32(lines[0]), processIsPostgres(pid),
            lines[7] == "starting" || lines[7] == "stopping"
        {
            return true
        }
        return pgCtlRunning()
    }

    /// Whether a `pg_ctl` process works on this cluster's data folder (found by its arguments).
    func pgCtlRunning() -> Bool {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let data = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        return processes.contains { pid in
            guard Int32(pid) != nil, let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return false
            }
            let arguments = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let program = arguments.first, program.hasSuffix("pg_ctl") || program.hasSuffix("pg_ctlcluster") else {
                return false
            }
            return arguments.contains { URL(fileURLWithPath: $0).standardizedFileURL.path == data }
        }
    }

    /// Waits, with the start's deadline, while an administrator starts, stops or restarts the
    /// server, so that odb never starts it in the middle (a `pg_ctl restart` would then fail).
    func waitForAdministrator(until deadline: ContinuousClock.Instant) async throws {
        while administratorAtWork() {
            guard ContinuousClock.now < deadline else {
                throw OdbError.clusterStartFailed(
                    reason: "the server was still starting or stopping (pg_ctl) after \(settings.startTimeout)", log: logFile)
            }
            try await Task.sleep(for: .milliseconds(50))  // the poll's interval, under the deadline above
        }
    }

    /// The lock file (`.odb/cluster/lock`) that serialises creating and starting the cluster.
    var lockFile: String { directory + "/lock" }

    /// Runs `body` holding the cluster's file lock (`flock`, released when odb exits however it
    /// exits), so that odb processes started at once create and start the cluster one at a time:
    /// the others wait, then find it made and running.
    func withStartLock<T>(until deadline: ContinuousClock.Instant, _ body: () async throws -> T) async throws -> T {
        try makeDirectory(directory, mode: try serverUser() == nil ? 0o700 : 0o755, owner: nil)
        let descriptor = open(lockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw OdbError.notWritable(path: lockFile, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw OdbError.notWritable(path: lockFile, reason: String(cString: strerror(errno)))
            }
            guard ContinuousClock.now < deadline else {
                throw OdbError.clusterStartFailed(
                    reason: "another odb was still creating or starting the cluster after \(settings.startTimeout)",
                    log: logFile)
            }
            try await Task.sleep(for: .milliseconds(20))  // the poll's interval, under the deadline above
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    /// The postmaster's pid and port from `postmaster.pid`, if the file is there.
    /// The port of a postmaster that says it is ready (line 8 of `postmaster.pid`) and is alive:
    /// enough to connect, without a connection to check first.
    public func readyPort() -> Int? {
        guard let lines = postmasterLines(), lines.count > 7, lines[7] == "ready",
            let pid = Int32(lines[0]), let port = Int(lines[3]), processIsPostgres(pid)
        else { return nil }
        return port
    }

    func postmaster() -> (pid: Int32, port: Int)? {
        guard let lines = postmasterLines(), lines.count > 3, let pid = Int32(lines[0]), let port = Int(lines[3]) else {
            return nil
        }
        return (pid, port)
    }

    /// A `postmaster.pid` left by a crash or a reboot names a process that is gone, or that is not
    /// a postgres (pids are reused after a reboot): such a file would block the next start.
    /// The same holds for the socket's lock file (`.s.PGSQL.PORT.lock`), which names the
    /// postmaster too: right after a `kill -9` that postmaster lingers as a zombie, and a new one
    /// would refuse to start while the old lock file names a pid that still exists.
    func removeStalePostmasterFile() {
        if let (pid, _) = postmaster(), !processIsPostgres(pid) {
            try? FileManager.default.removeItem(atPath: dataDirectory + "/postmaster.pid")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: socketDirectory)) ?? []
        for name in names where name.hasPrefix(".s.PGSQL.") && name.hasSuffix(".lock") {
            let path = socketDirectory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let pid = text.split(separator: "\n").first.flatMap({ Int32($0.trimmingCharacters(in: .whitespaces)) }),
                !processIsPostgres(pid)
            else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
