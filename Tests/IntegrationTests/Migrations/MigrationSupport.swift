import Foundation
import Testing

@testable import Revisions

/// What the migration tests share: patch files in the sandbox's `migrations/` folder, the
/// tracking table, dumps, and finding a running odb.
extension Sandbox {
    var migrations: String { directory + "/migrations" }

    /// Writes patch files (name: SQL) into `migrations/`, making the folder if needed.
    func writePatches(_ patches: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        for (name, sql) in patches { try sql.write(toFile: migrations + "/" + name, atomically: true, encoding: .utf8) }
    }

    /// The tracking table's rows as `file` names, in patch order, and whether each ended.
    func appliedPatches(_ database: String) throws -> [String] {
        let connection = try connect(database)
        guard try connection.query("SELECT to_regclass('odb.patches') IS NOT NULL AS t").first?.bool("t") == true else {
            return []
        }
        return try connection.query("SELECT file FROM odb.patches ORDER BY start_time").map { try $0.string("file") }
    }

    /// How many revisions the sandbox's control database records.
    func revisionCount() throws -> Int {
        try connect(control).query("SELECT count(*) AS n FROM odb.revisions").first?.int("n") ?? -1
    }

    /// `pg_dump` of the database: the schema only, or everything, without the random key it fences its script with.
    func dump(_ database: String, schemaOnly: Bool = true) async throws -> String {
        let programs = try await PostgresPrograms.locate(environment: ProcessInfo.processInfo.environment)
        let target = try conninfo + " dbname=" + connect().quoteLiteral(database)
        let result = try await Program(
            programs.path(of: "pg_dump"), (schemaOnly ? ["--schema-only"] : []) + ["--no-sync", "--dbname=\(target)"]
        ).result().checked()
        // pg_dump 15.14 and later fence the script with `\restrict KEY`, a random key each run.
        return result.output.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict ") && !$0.hasPrefix("\\unrestrict ") }.joined(separator: "\n")
    }

    /// The pid of this sandbox's running `odb migrate`, waiting for it to appear.
    func migratorPID(deadline: Duration = .seconds(120)) async throws -> Int32 {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int32(pid) != nil {
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
                let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                if arguments.first == Self.executable, arguments.contains("migrate"), arguments.contains(control) {
                    return Int32(pid)!
                }
            }
            try await Task.sleep(for: .milliseconds(10))  // the poll's interval, under the deadline above
        }
        throw OdbError.busy(database: "odb migrate", holder: nil)
    }

    /// `waitUntil` for a moment that passes (a window of a few seconds): polled without
    /// suspending, so that a cooperative pool busy with other tests' blocking calls cannot make the
    /// poll sleep through it.
    func waitUntilWithoutSuspending(deadline: Duration = .seconds(120), _ condition: () throws -> Bool) throws {
        let end = ContinuousClock.now + deadline
        while try !condition() {
            guard ContinuousClock.now < end else { throw OdbError.busy(database: "a condition", holder: nil) }
            usleep(10_000)  // the poll's interval, under the deadline above
        }
    }

    /// Waits until `condition` holds, polling under a deadline.
    func waitUntil(deadline: Duration = .seconds(120), _ condition: () throws -> Bool) async throws {
        let end = ContinuousClock.now + deadline
        while try !condition() {
            guard ContinuousClock.now < end else { throw OdbError.busy(database: "a condition", holder: nil) }
            try await Task.sleep(for: .milliseconds(10))  // the poll's interval, under the deadline above
        }
    }
}

extension ProgramResult {
    /// The result with the "waiting for another odb" line taken off its error output.
    var withoutWaitingLine: ProgramResult {
        ProgramResult(
            program: program, termination: termination, output: output,
            errorOutput: errorOutput.split(separator: "\n").filter { !$0.hasPrefix("waiting for another odb") }.joined(
                separator: "\n"))
    }
}
