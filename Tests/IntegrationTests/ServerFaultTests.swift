import Foundation
import Testing

@testable import Revisions

/// What the server or its roles refuse: each gets one line saying what happened and what to do,
/// and nothing changes.
extension Integration {
    @Suite struct ServerFaultTests {
        /// The sandbox's conninfo with another user (and password).
        func conninfo(_ sandbox: Sandbox, user: String, password: String? = nil) -> String {
            var options = parsedOptions(sandbox.conninfo)
            options["user"] = user
            options["password"] = password
            return options.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoteConninfo($0.value))" }.joined(separator: " ")
        }

        @Test func wrongPasswordNeverShowsAPassword() async throws {
            try await withSandbox { sandbox in
                let secret = "Sup3r-S3cret!"
                let role = try sandbox.makeRole("pw", "SUPERUSER", password: secret)
                // This role, and only it, must give a password on the socket.
                let admin = try sandbox.connect()
                let file = try #require(try admin.query("SHOW hba_file").first?.string("hba_file"))
                let original = try String(contentsOfFile: file, encoding: .utf8)
                try ("local all \(role) scram-sha-256\n" + original).write(toFile: file, atomically: false, encoding: .utf8)
                defer {
                    try? original.write(toFile: file, atomically: false, encoding: .utf8)
                    _ = try? admin.query("SELECT pg_reload_conf()")
                }
                try admin.query("SELECT pg_reload_conf()")
                let deadline = ContinuousClock.now + .seconds(10)
                while (try? Connection(conninfo: conninfo(sandbox, user: role))) != nil {
                    guard ContinuousClock.now < deadline else {
                        Issue.record("pg_hba.conf was not reloaded")
                        return
                    }
                    try await Task.sleep(for: .milliseconds(10))  // the poll's interval
                }

                let wrong = try await sandbox.odb(["init", "x"], url: conninfo(sandbox, user: role, password: "not-" + secret))
                expectOneLine(wrong, containing: "password authentication failed", secret: secret)
                let database = try sandbox.makeDatabase("pw", rows: [1])
                let url = conninfo(sandbox, user: role, password: secret)
                for arguments in [["init", database], ["commit", "-m", "x"], ["info"], ["log"], ["url"]] {
                    let result = try await sandbox.odb(arguments, url: url)
                    #expect(result.succeeded, "\(arguments): \(result.errorOutput)")
                    #expect(!(result.output + result.errorOutput).contains(secret), "\(arguments)")
                }
                // Nor in odb's own files.
                let files = FileManager.default.enumerator(atPath: sandbox.directory)?.allObjects as? [String] ?? []
                for name in files {
                    let text = (try? String(contentsOfFile: sandbox.directory + "/" + name, encoding: .utf8)) ?? ""
                    #expect(!text.contains(secret), "\(name)")
                }
            }
        }

        @Test func roleWithoutCreateDatabase() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("nocreate", rows: [1])
                let role = try sandbox.makeRole("nocreate")
                let admin = try sandbox.connect(sandbox.control)
                try admin.query("GRANT USAGE ON SCHEMA odb TO \(identifier: role)")
                try admin.query("GRANT ALL ON ALL TABLES IN SCHEMA odb TO \(identifier: role)")
                try admin.query("ALTER DATABASE \(identifier: database) OWNER TO \(identifier: role)")

                let result = try await sandbox.odb(["commit", "-d", database], url: conninfo(sandbox, user: role))
                expectOneLine(result, containing: "not permitted to create database")
                #expect(try workspace.repository(database).info().revision == 1)
                #expect(try sandbox.rows(database) == [1])
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }

        @Test func roleThatMayNotEndOthersSessions() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("nosignal", rows: [1])
                let role = try sandbox.makeRole("nosignal", "CREATEDB")
                let admin = try sandbox.connect(sandbox.control)
                try admin.query("GRANT USAGE ON SCHEMA odb TO \(identifier: role)")
                try admin.query("GRANT ALL ON ALL TABLES IN SCHEMA odb TO \(identifier: role)")
                try admin.query("ALTER DATABASE \(identifier: database) OWNER TO \(identifier: role)")
                let superuserSession = try sandbox.connect(database)

                let result = try await sandbox.odb(["commit", "-d", database], url: conninfo(sandbox, user: role))
                expectOneLine(result, containing: "not permitted to end the sessions")
                #expect(try superuserSession.query("SELECT 1 AS one").first?.int("one") == 1)
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }

        @Test func missingControlDatabase() async throws {
            try await withSandbox { sandbox in
                let before = try sandbox.databases()
                let result = try await sandbox.odb(["info", "-d", "anything"])
                expectOneLine(result, containing: "no odb control database")
                #expect(try sandbox.databases() == before)
            }
        }

        @Test func controlSchemaFromANewerOdb() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("newer", rows: [1])
                try sandbox.connect(sandbox.control).query("UPDATE odb.schema_version SET version = 99")
                for arguments in [["info"], ["commit"], ["revert"]] {
                    expectOneLine(try await sandbox.odb(arguments + ["-d", database]), containing: "upgrade odb")
                }
                #expect(
                    try sandbox.connect(sandbox.control).query("SELECT version FROM odb.schema_version").first?.int("version")
                        == 99)
                #expect(try sandbox.rows(database) == [1])
            }
        }

        /// Someone opened a revision database (after letting connections in by hand): the revert
        /// says so and changes nothing; odb never ends sessions on a revision.
        @Test func revisionHeldOpen() async throws {
            try await withSandbox { sandbox in
                let (database, workspace) = try await sandbox.tracked("held", rows: [1])
                let revision = try workspace.repository().commit(message: "").revisionDatabase
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                try sandbox.connect().query("ALTER DATABASE \(identifier: revision) WITH ALLOW_CONNECTIONS true")
                let holder = try sandbox.connect(revision)

                expectOneLine(try await sandbox.odb(["revert", "1", "-d", database]), containing: "is open")
                #expect(try holder.query("SELECT 1 AS one").first?.int("one") == 1)
                #expect(try sandbox.rows(database) == [1, 2])
                #expect(
                    try sandbox.connect(sandbox.control).query("SELECT count(*) AS n FROM odb.operations").first?.int("n") == 0)
                #expect(try !sandbox.databases().contains(Names.replacementDatabase(database)))
            }
        }

        /// The server goes away between commands and mid-command (its sessions ended, as a
        /// restart does): one line, and the next command finds everything as it was.
        @Test func serverGoneMidCommand() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("gone", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                let result = try await sandbox.odb(["commit"], environment: ["ODB_FAULT": "commit.copied:disconnect"])
                expectOneLine(result, containing: "lost the connection")
                try await expectSuccess(sandbox.odb(["info"]))
                try sandbox.expectConsistent(database, states: [[1]])
                expectOneLine(try await sandbox.odb(["info"], url: "host=/nonexistent port=1"), containing: "cannot connect")
            }
        }

        /// The session ended in the middle of the copy (as a server restart or an administrator's
        /// pg_terminate_backend does): one line saying so and that running the command again is
        /// safe; the next command says what it undid, and commits.
        @Test func sessionEndedMidCopySaysRunningAgainIsSafe() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.bigDatabase("midcopy", rows: 1_000_000)
                try await expectSuccess(sandbox.odb(["init", database]))
                // Started and reaped without Swift's cooperative pool, as in killedMidCopyLeavesNothingRefused.
                let errors = sandbox.directory + "/commit.err"
                let commit = try sandbox.spawnOdb(
                    ["commit", "-d", database, "-m", "cut", "--strategy", "wal_log"], errorsTo: errors)
                let admin = try sandbox.connect()
                let end = ContinuousClock.now + .seconds(60)
                var ended = false
                while !ended, ContinuousClock.now < end {
                    ended = try admin.query(
                        """
                        SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
                        WHERE state = 'active' AND query LIKE 'CREATE DATABASE%' AND datname = \(sandbox.control)
                        """
                    ).contains { try $0.bool("ended") }
                    if !ended { usleep(2_000) }  // blocking: a suspended poll could miss the copy
                }
                #expect(ended, "the copy never started")
                var status: Int32 = 0
                waitpid(commit, &status, 0)
                #expect(status == 1 << 8, "odb ended with wait status \(status)")
                let said = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
                #expect(said.hasPrefix("odb: lost the connection to the server mid-command"), "\(said)")
                #expect(said.split(separator: "\n").count == 1, "\(said)")
                #expect(said.contains("running this one again is safe"), "\(said)")
                let again = try await sandbox.odb(["commit", "-m", "again"])
                try expectSuccess(again)
                #expect(again.errorOutput.contains("an interrupted commit"), "\(again.errorOutput)")
                #expect(again.errorOutput.contains("rolled back"), "\(again.errorOutput)")
                #expect(try sandbox.frozenRows(sandbox.revisionDatabase(database, 1)).count == 1_000_001)
            }
        }

        /// The production guard: a protected database can be committed but never reverted or
        /// purged, until the protection is lifted.
        @Test func protectedDatabaseRefusesRevertAndPurge() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("prod", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit"]))
                try await expectSuccess(sandbox.odb(["protect"]))
                try sandbox.connect(database).query("INSERT INTO t VALUES (2)")
                expectOneLine(try await sandbox.odb(["revert"]), containing: "is protected")
                expectOneLine(try await sandbox.odb(["purge", "all", "-y"]), containing: "is protected")
                try await expectSuccess(sandbox.odb(["commit"]))
                #expect(try sandbox.rows(database) == [1, 2])
                try await expectSuccess(sandbox.odb(["protect", "--off"]))
                try await expectSuccess(sandbox.odb(["revert", "1"]))
                #expect(try sandbox.rows(database) == [1])
            }
        }
    }
}
