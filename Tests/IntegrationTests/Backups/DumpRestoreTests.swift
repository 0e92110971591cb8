import Foundation
import Testing

@testable import Revisions

/// Dumps to the project's folder and restores from it: by key, by prefix and from a revision; the
/// replaced and the restored states kept as revisions; `odb revert` undoing a restore.
extension Integration {
    @Suite struct DumpRestoreTests {
        @Test func dumpListRestoreAndRevert() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("dumps", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                let manifest = try await sandbox.dump()
                #expect(manifest.database == database)
                #expect(manifest.config == "none")
                #expect(manifest.parent == 1)
                #expect(manifest.key.hasSuffix(".dump"))
                #expect(manifest.key.hasPrefix("\(DumpRequest.hostName)/\(sandbox.prefix)%20dumps/none/"))
                // The manifest's size and sha256 are those of the stored bytes.
                let bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.dumpFolder + "/" + manifest.key))
                #expect(Int64(bytes.count) == manifest.size)
                #expect(Checksum.hex(Array(bytes)) == manifest.sha256)
                #expect(try await sandbox.listedDumps().map(\.key) == [manifest.key])

                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                // By key: the working state [1, 2] is kept as revision 2, the restored [1] is revision 3.
                let restored = try await sandbox.restore([manifest.key])
                #expect((restored.kept, restored.restored, restored.revision) == (2, 3, 4))
                #expect(try sandbox.rows(database) == [1])
                let messages = try sandbox.revisionMessages(database)
                #expect(messages[2] == "before restore of \(manifest.key)")
                #expect(messages[3] == "restore of \(manifest.key)")
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1], [1, 2]])

                // odb revert undoes it.
                try await expectSuccess(sandbox.odb(["revert", "2"]))
                #expect(try sandbox.rows(database) == [1, 2])

                // By prefix (the database's name): the newest dump of it.
                try sandbox.connect(database).query("INSERT INTO t VALUES (3)")
                let second = try await sandbox.dump()
                #expect(try await sandbox.listedDumps().map(\.key) == [second.key, manifest.key])
                try sandbox.connect(database).query("DELETE FROM t")
                _ = try await sandbox.restore([database])
                #expect(try sandbox.rows(database) == [1, 2, 3])

                // From a local revision.
                let fromRevision = try await sandbox.restore([":1"])
                #expect(fromRevision.source == ":1")
                #expect(try sandbox.rows(database) == [1])
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1], [1, 2], [1, 2, 3], []])
            }
        }

        /// A restore replaces the data, not the database's place in the server: the working
        /// database keeps its owner, grants, settings, comment and connection limit.
        @Test func aRestoreKeepsTheDatabasesOwnerGrantsAndSettings() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("kept", rows: [1])
                let admin = try sandbox.connect()
                let before = try sandbox.giveProperties(to: database, ownedBy: sandbox.name("owner"))
                try await expectSuccess(sandbox.odb(["init", database]))
                let manifest = try await sandbox.dump()
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                _ = try await sandbox.restore([manifest.key])
                #expect(try sandbox.rows(database) == [1])
                #expect(try DatabaseProperties.read(database, on: admin) == before)
            }
        }

        /// pg_dump fails on a table the role may not read: one line with pg_dump's words, nothing
        /// stored, nothing listed.
        @Test func pgDumpFailingStoresNothing() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("denied", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let role = try sandbox.makeRole("reader")
                let admin = try sandbox.connect(database)
                try admin.query("CREATE TABLE secret (x integer)")
                try admin.query("REVOKE ALL ON secret FROM PUBLIC")
                try admin.query("GRANT SELECT ON t TO \(identifier: role)")
                let control = try sandbox.connect(sandbox.control)
                try control.query("GRANT USAGE ON SCHEMA odb TO \(identifier: role)")
                try control.query("GRANT SELECT ON ALL TABLES IN SCHEMA odb TO \(identifier: role)")
                let result = try await sandbox.odb(["dump"], url: sandbox.conninfo + " user=\(role)")
                expectOneLine(result, containing: "permission denied")
                #expect(sandbox.dumpFiles().isEmpty)
                #expect(try await sandbox.listedDumps().isEmpty)
            }
        }

        /// Bytes changed in storage: the sha256 check refuses the swap; the working database and
        /// the revisions are as they were.
        @Test func changedBytesAreNeverSwappedIn() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("tampered", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let manifest = try await sandbox.dump()
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                let path = sandbox.dumpFolder + "/" + manifest.key
                let original = try Data(contentsOf: URL(fileURLWithPath: path))

                // A byte added at the end, which pg_restore never reads: only the checksum sees it.
                try (original + Data([0])).write(to: URL(fileURLWithPath: path))
                expectOneLine(try await sandbox.odb(["restore", manifest.key]), containing: "do not match its manifest")
                #expect(try sandbox.rows(database) == [1, 2])

                // A byte changed in the middle.
                var changed = original
                changed[changed.count / 2] ^= 0xff
                try changed.write(to: URL(fileURLWithPath: path))
                expectOneLine(try await sandbox.odb(["restore", manifest.key]))
                #expect(try sandbox.rows(database) == [1, 2])
                #expect(try sandbox.revisionMessages(database).isEmpty)
                try sandbox.expectConsistent(database, states: [[1, 2]])
            }
        }

        /// pg_restore failing stops at its first error, with its own line, and nothing changes;
        /// told to go on, it lists the errors and the restore is made.
        @Test func pgRestoreErrorsAreReported() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("owners", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let role = try sandbox.makeRole("gone")
                let connection = try sandbox.connect(database)
                try connection.query("CREATE TABLE owned (x integer)")
                try connection.query("ALTER TABLE owned OWNER TO \(identifier: role)")
                let manifest = try await sandbox.dump()
                try connection.query("DROP TABLE owned")
                try sandbox.connect().query("DROP ROLE \(identifier: role)")
                try connection.query("INSERT INTO t VALUES (2)")

                let failed = try await sandbox.odb(["restore", manifest.key, "--keep-owners"])
                expectOneLine(failed, containing: "pg_restore failed")
                #expect(failed.errorOutput.contains("does not exist"), "\(failed.errorOutput)")
                #expect(try sandbox.rows(database) == [1, 2])
                try sandbox.expectConsistent(database, states: [[1, 2]])

                let outcome = try await sandbox.restore([manifest.key, "--keep-owners", "--ignore-restore-errors"])
                #expect(!outcome.ignoredErrors.isEmpty)
                #expect(try sandbox.rows(database) == [1])
                // Without --keep-owners (the default) the dump restores cleanly.
                let clean = try await sandbox.restore([manifest.key])
                #expect(clean.ignoredErrors.isEmpty)
            }
        }

        /// `odb protect` and `allow_restore = false` refuse a restore, and a pull.
        @Test func productionGuard() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("guarded", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let manifest = try await sandbox.dump()
                try await expectSuccess(sandbox.odb(["protect"]))
                expectOneLine(try await sandbox.odb(["restore", manifest.key]), containing: "protected")
                try await expectSuccess(sandbox.odb(["protect", "--off"]))
                try "allow_restore = false\n".write(toFile: sandbox.directory + "/odb.toml", atomically: true, encoding: .utf8)
                expectOneLine(try await sandbox.odb(["restore", manifest.key]), containing: "allow_restore = false")
                expectOneLine(try await sandbox.odb(["restore", ":1"]), containing: "allow_restore = false")
                expectOneLine(try await sandbox.odb(["pull", manifest.key]), containing: "allow_restore = false")
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }

        /// A key without its manifest is never listed nor restored; the next dump removes it, and
        /// so does `odb ls --clean`.
        @Test func unfinishedDumpsAreInvisibleAndRemoved() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("partial", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let manifest = try await sandbox.dump()
                let partial = manifest.key.replacingOccurrences(of: ".dump", with: "9.dump")
                try Data([1, 2, 3]).write(to: URL(fileURLWithPath: sandbox.dumpFolder + "/" + partial))
                #expect(try await sandbox.listedDumps().map(\.key) == [manifest.key])
                expectOneLine(try await sandbox.odb(["restore", partial]))
                let next = try await sandbox.dump()
                #expect(!sandbox.dumpFiles().contains(partial))
                try Data([1]).write(to: URL(fileURLWithPath: sandbox.dumpFolder + "/" + partial))
                let cleaned = try await sandbox.odb(["ls", "--clean"])
                try expectSuccess(cleaned)
                #expect(cleaned.output.contains("Removed unfinished \(partial)"))
                #expect(!sandbox.dumpFiles().contains(partial))
                #expect(try await sandbox.listedDumps().map(\.key) == [next.key, manifest.key])
            }
        }
    }
}
