import Foundation
import Testing

@testable import Revisions

/// The embedded cluster's own safety: TCP only with a password, odb processes started at once
/// making and starting it one at a time, a killed postmaster started again at once, and an
/// administrator's restart left to finish.
@Suite struct EmbeddedClusterSafetyTests {
    /// `server start --tcp`: a TCP connection without the password is refused, the one `odb url`
    /// gives works, the password file is its owner's alone, `server status` says TCP is on; and
    /// `--tcp` on a cluster already running without TCP fails instead of claiming success.
    @Test func tcpNeedsThePassword() async throws {
        try await withEmbeddedProject { project in
            try expectSuccess(try await project.odb(["init", "app"]))
            let refused = try await project.odb(["server", "start", "--tcp"])
            expectOneLine(refused, containing: "without TCP")
            try expectSuccess(try await project.odb(["server", "stop"]))

            try expectSuccess(try await project.odb(["server", "start", "--tcp"]))
            try expectSuccess(try await project.odb(["server", "start", "--tcp"]))
            guard let port = project.cluster.readyPort() else {
                Issue.record("the cluster should run")
                return
            }
            let status = try await project.odb(["server", "status"])
            #expect(status.output.contains("tcp    : on, localhost:\(port), password required"), "\(status.output)")

            // Without the password, over TCP: refused (as any local user would be).
            #expect(throws: PostgresError.self) {
                try Connection(conninfo: "host=127.0.0.1 port=\(port) user=postgres passfile=/nonexistent", database: "app")
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: project.cluster.passwordFile)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)

            // With what `odb url` gives: in, with no password in the URL itself.
            let url = try await project.odb(["url"])
            try expectSuccess(url)
            let address = url.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(address.hasPrefix("postgresql://postgres@localhost:\(port)/app?passfile="), "\(address)")
            let secret = try String(contentsOfFile: project.cluster.passwordFile, encoding: .utf8).split(separator: ":").last
            #expect(!address.contains(String(secret ?? "none")))
            let connection = try Connection(conninfo: address)
            #expect(try connection.query("SELECT current_database() AS d").first?.string("d") == "app")

            // The private socket still needs no password, and odb goes on working.
            try expectSuccess(try await project.odb(["commit", "-m", "over tcp"]))
        }
    }

    /// Three `odb init` at once in a fresh folder: one makes and starts the cluster, the others
    /// wait and proceed; then three commits at once on the stopped cluster.
    @Test func parallelFirstUse() async throws {
        try await withEmbeddedProject { project in
            async let a = project.odb(["init", "a"])
            async let b = project.odb(["init", "b"])
            async let c = project.odb(["init", "c"])
            for result in try await [a, b, c] { try expectSuccess(result) }
            try expectSuccess(try await project.odb(["server", "stop"]))
            async let commitA = project.odb(["commit", "-d", "a", "-m", "at once"])
            async let commitB = project.odb(["commit", "-d", "b", "-m", "at once"])
            async let commitC = project.odb(["commit", "-d", "c", "-m", "at once"])
            for result in try await [commitA, commitB, commitC] { try expectSuccess(result) }
        }
    }

    /// Right after a `kill -9` of the postmaster, the next command starts the cluster again.
    @Test func nextCommandAfterKillDashNine() async throws {
        try await withEmbeddedProject { project in
            try expectSuccess(try await project.odb(["init", "app"]))
            guard let pid = project.postmasterPID else {
                Issue.record("the cluster should run")
                return
            }
            kill(pid, SIGKILL)
            try expectSuccess(try await project.odb(["info"]))
            try expectSuccess(try await project.odb(["psql", "-c", "SELECT 1"]))
        }
    }

    /// An administrator's `pg_ctl restart` while odb commands run: the restart succeeds (odb
    /// never starts the server in the middle of it), and every command either succeeds or, when
    /// the shutdown ended its session mid-command, says so in one line (running it again is safe).
    @Test func administratorsRestartIsLeftToFinish() async throws {
        try await withEmbeddedProject { project in
            try expectSuccess(try await project.odb(["init", "app"]))
            let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
            let cluster = project.cluster
            let restart = Program(
                try programs.path(of: "pg_ctl"),
                ["restart", "-w", "-m", "fast", "-D", cluster.dataDirectory, "-l", cluster.logFile],
                workingDirectory: cluster.dataDirectory, user: try cluster.serverUser())
            async let restarted = restart.result()
            var results: [ProgramResult] = []
            for _ in 0..<8 { results.append(try await project.odb(["info"])) }
            let outcome = try await restarted
            #expect(outcome.succeeded, "\(outcome.status): \(outcome.errorOutput)")
            for result in results where !result.succeeded {
                // Its session ended by the shutdown, or its connection refused while the server stopped.
                expectOneLine(result)
                let line = result.errorOutput
                #expect(
                    line.contains("lost the connection to the server mid-command") || line.contains("shutting down"), "\(line)")
            }
            try expectSuccess(try await project.odb(["info"]))
        }
    }
}
