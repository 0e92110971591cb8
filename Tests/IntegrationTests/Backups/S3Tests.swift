import Foundation
import Testing

@testable import Revisions

/// Dumps through S3: rclone streaming to and from a real SeaweedFS server the test starts.
extension Integration {
    @Suite(.serialized) struct S3Tests {
        /// Two projects on two embedded clusters share one bucket: one pushes its seeded
        /// revision, the other pulls it as a revision of its own and reverts to it.
        @Test func pushOnOneClusterPullOnAnother() async throws {
            try await withSeaweedFS { s3 in
                var environment = s3.environment
                environment["ODB_STORAGE"] = "s3://odb-tests/shared-\(UUID().uuidString.prefix(8))"
                try await withEmbeddedProject { alice in
                    try await expectSuccess(alice.odb(["init", "app"]))
                    try await expectSuccess(alice.odb(["psql", "-c", "CREATE TABLE t AS SELECT 42 AS x"]))
                    try await expectSuccess(alice.odb(["commit", "-m", "seeded"]))
                    try await expectSuccess(alice.odb(["push"], environment: environment))
                    try await withEmbeddedProject { bob in
                        try await expectSuccess(bob.odb(["init", "app"]))
                        let pulled = try await bob.odb(["pull", "app"], environment: environment)
                        try expectSuccess(pulled)
                        #expect(pulled.output.contains("as revision 1 (pulled from"), "\(pulled.output)")
                        #expect(pulled.output.contains("revision 1: seeded"))
                        try await expectSuccess(bob.odb(["revert", "1"]))
                        let answer = try await bob.odb(["psql", "-At", "-c", "SELECT x FROM t"])
                        #expect(answer.output == "42\n")
                    }
                }
            }
        }

        @Test func dumpListRestoreThroughS3() async throws {
            try await withSandbox { sandbox in
                try await withSeaweedFS { s3 in
                    let database = try sandbox.makeDatabase("s3", rows: [1, 2])
                    try await expectSuccess(sandbox.odb(["init", database]))
                    let storage = ["--storage", "s3://odb-tests/\(sandbox.prefix)"]
                    let manifest = try await sandbox.dump(storage, environment: s3.environment)
                    #expect(try await sandbox.listedDumps(storage, environment: s3.environment).map(\.key) == [manifest.key])
                    #expect(sandbox.dumpFiles().isEmpty)
                    try sandbox.connect(database).query("INSERT INTO t VALUES (3)")
                    // ODB_STORAGE names the same place.
                    var environment = s3.environment
                    environment["ODB_STORAGE"] = "s3://odb-tests/\(sandbox.prefix)"
                    let outcome = try await sandbox.restore([database], environment: environment)
                    #expect(outcome.source == manifest.key)
                    #expect(try sandbox.rows(database) == [1, 2])
                    try sandbox.expectConsistent(database, states: [[1, 2]], revisions: [[1, 2], [1, 2, 3]])

                    // rclone's own error, as one line: a custom CA bundle on a plain-http endpoint.
                    environment["AWS_CA_BUNDLE"] = "/etc/ssl/certs/ca-certificates.crt"
                    expectOneLine(try await sandbox.odb(["ls"], environment: environment), containing: "LoadCustomCABundleError")
                }
            }
        }

        /// odb killed once its dump is stored on S3, the manifest's transfer waiting for its bytes
        /// (see `RcloneStore.prepare`): that rclone, orphaned, reads an empty stdin and stores
        /// nothing, and nothing is listed.
        @Test func odbKilledMidDumpStoresNoManifest() async throws {
            try await withSandbox { sandbox in
                try await withSeaweedFS { s3 in
                    let database = try sandbox.makeDatabase("s3fault", rows: [1, 2])
                    try await expectSuccess(sandbox.odb(["init", database]))
                    let location = "s3://odb-tests/\(sandbox.prefix)"
                    var environment = s3.environment
                    environment["ODB_FAULT"] = Step.dumpStored.rawValue
                    let killed = try await sandbox.odb(["dump", "--storage", location], environment: environment)
                    #expect(killed.status == "signal 9", "\(killed.errorOutput)")
                    // The orphaned rclone runs end on their own: polled.
                    try await sandbox.waitUntil {
                        !Sandbox.processes().contains {
                            $0.first?.hasSuffix("rclone") == true && $0.contains { $0.contains(sandbox.prefix) }
                        }
                    }
                    // The store as odb's commands reach it, rclone run in the server's environment.
                    let given = s3.environment.compactMapValues { $0 }
                    let s3Store = RcloneStore.s3(location: location, path: "odb-tests/\(sandbox.prefix)", environment: given)
                    let store = RcloneStore(
                        location: location, remote: s3Store.remote, environment: [:],
                        changes: s3Store.environment.merging(s3.environment) { $1 })
                    let objects = try await store.list(under: "").map(\.key)
                    #expect(!objects.contains { $0.hasSuffix(".manifest.json") }, "\(objects)")
                    #expect(try await sandbox.listedDumps(["--storage", location], environment: s3.environment).isEmpty)
                }
            }
        }

        /// The S3 server killed while a dump streams into it: the dump fails with one line, and
        /// once the server is back nothing is listed.
        @Test func serverKilledMidUpload() async throws {
            try await withSandbox { sandbox in
                try await withSeaweedFS { s3 in
                    let database = try sandbox.makeDatabase("s3kill")
                    try sandbox.connect(database).query(
                        "INSERT INTO t SELECT g FROM generate_series(1, 3000000) g")
                    try sandbox.connect(database).query(
                        "CREATE TABLE noise AS SELECT md5(g::text) || md5((g * 7)::text) AS x FROM generate_series(1, 1500000) g")
                    try await expectSuccess(sandbox.odb(["init", database]))
                    let storage = ["--storage", "s3://odb-tests/\(sandbox.prefix)"]
                    let dump = Task { try await sandbox.odb(["dump"] + storage, environment: s3.environment) }
                    // Wait until pg_dump streams, then stop the server.
                    let deadline = ContinuousClock.now + .seconds(60)
                    while try sandbox.connect().query(
                        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'pg_dump' AND datname = \(database)"
                    ).isEmpty {
                        guard ContinuousClock.now < deadline else { break }
                        try await Task.sleep(for: .milliseconds(20))  // the poll's interval, under the deadline above
                    }
                    await s3.stop()
                    let result = try await dump.value
                    expectOneLine(result, containing: "storage")
                    let again = try await SeaweedFS.start(folder: s3.folder, ports: s3.ports)
                    defer { Task { await again.stop() } }
                    #expect(try await sandbox.listedDumps(storage, environment: again.environment).isEmpty)
                    await again.stop()
                }
            }
        }
    }
}
