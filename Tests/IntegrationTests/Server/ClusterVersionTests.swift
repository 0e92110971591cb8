import Foundation
import Testing

@testable import Revisions

/// An embedded cluster is never started by programs of another major version: its files could
/// only be brought over with pg_upgrade, so odb says so in one line and leaves the cluster as it is.
@Suite struct ClusterVersionTests {
    @Test(
        .enabled("needs PostgreSQL programs of two major versions (Debian's 15, and 18 from Scripts/setup)") {
            await TestPrograms.twoVersions() != nil
        })
    func programsOfAnotherMajorVersionAreRefused() async throws {
        let (older, newer) = try #require(await TestPrograms.twoVersions())
        let folder = try temporaryFolder("odb-cluster")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cluster = EmbeddedCluster(directory: folder + "/cluster", settings: .init(durable: false))
        try await cluster.initialize(programs: older)
        let made = try #require(cluster.majorVersion)
        let found = try #require(try await newer.majorVersion())
        let refusal = OdbError.clusterVersionMismatch(
            path: cluster.directory, cluster: String(made), programs: String(found), binDirectory: newer.binDirectory)
        await #expect(throws: refusal) { try await cluster.start(programs: newer) }
        #expect(cluster.status() == .stopped(port: cluster.configuredPort()))
        // Its own version's programs still start it.
        do {
            #expect(try await cluster.start(programs: older) == .started(port: try #require(cluster.configuredPort())))
        } catch {
            _ = try? await cluster.stop(programs: older)
            throw error
        }
        _ = try await cluster.stop(programs: older)
    }
}
