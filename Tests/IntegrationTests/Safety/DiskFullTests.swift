import Foundation
import Testing

@testable import Revisions

/// A commit that would not fit on the server's disk is refused before it copies, with advice that
/// is true: purging is offered only while odb's own databases hold something on that disk.
/// The embedded cluster lives on a small tmpfs, so the disk really is nearly full; mounting one
/// needs root.
@Suite(.enabled(if: SystemUser.isRoot, "mounting a small tmpfs for a nearly full disk needs root"))
struct DiskFullTests {
    @Test func theAdviceForAFullDiskIsTrue() async throws {
        try await withSmallDisk(megabytes: 256) { folder in
            let project = EmbeddedProject(directory: folder)
            do {
                try await expectSuccess(project.odb(["init", "full", "--create"]))
                // About 20 MB of rows, committed as revision 1.
                let fill = "INSERT INTO t SELECT repeat('x', 1000) FROM generate_series(1, %d)"
                try await expectSuccess(project.odb(["psql", "-c", "CREATE TABLE t (v text)"]))
                try await expectSuccess(project.odb(["psql", "-c", String(format: fill, 17_000)]))
                try await expectSuccess(project.odb(["commit", "-m", "twenty megabytes"]))
                // 50 MB more (and as much of WAL) leave less room than a copy of 70 MB needs.
                try await expectSuccess(project.odb(["psql", "-c", String(format: fill, 45_000)]))
                let held = try await project.odb(["commit", "-m", "too big"])
                expectOneLine(held, containing: "odb's revisions, spares and hidden states there take")
                #expect(held.errorOutput.contains("'odb purge' or 'odb gc' removes them"), "\(held.errorOutput)")

                try await expectSuccess(project.odb(["purge", "all", "-y"]))
                let nothingToPurge = try await project.odb(["commit", "-m", "still too big"])
                expectOneLine(nothingToPurge, containing: "odb holds no revisions on that disk, so purging would not help")
                // Nothing was lost or left refusing connections.
                let count = try await project.odb(["psql", "-XAtc", "SELECT count(*) FROM t"])
                #expect(count.output.trimmingCharacters(in: .whitespacesAndNewlines) == "62000")
                let log = try await project.odb(["log", "--json"])
                #expect(!log.output.contains("too big"))
            } catch {
                try? await project.close()
                throw error
            }
            try await project.close()
        }
    }
}

/// Runs `body` with a tmpfs of `megabytes` mounted on a fresh folder, unmounted and removed
/// afterwards whatever happened.
private func withSmallDisk(megabytes: Int, _ body: (String) async throws -> Void) async throws {
    let folder = try temporaryFolder("odb-small-disk")
    func unmount() async {
        _ = try? await Program("/usr/bin/umount", [folder]).result()
        try? FileManager.default.removeItem(atPath: folder)
    }
    do {
        try await Program("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", folder]).run()
        try await body(folder)
    } catch {
        await unmount()
        throw error
    }
    await unmount()
}
