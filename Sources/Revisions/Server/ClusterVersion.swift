import Foundation

extension PostgresPrograms {
    /// The major version of these programs, from `postgres --version` ("postgres (PostgreSQL)
    /// 18.6" is 18); nil when it cannot be told.
    public func majorVersion() async throws -> Int? {
        let result = try await Program(try path(of: "postgres"), ["--version"], timeout: .seconds(60)).result()
        guard result.succeeded else { return nil }
        return Self.majorVersion(fromVersionLine: result.output)
    }

    /// The major version in a `--version` line: the first number after the closing parenthesis.
    static func majorVersion(fromVersionLine line: String) -> Int? {
        let afterName = line.split(separator: ")", maxSplits: 1).last ?? Substring(line)
        let number = afterName.drop { !$0.isNumber }.prefix { $0.isNumber }
        return Int(number)
    }
}

extension EmbeddedCluster {
    /// The major version the cluster was made with, from its `PG_VERSION` file.
    public var majorVersion: Int? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/PG_VERSION", encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Refuses, with one line, to start the cluster with programs of another major version: its
    /// files could only be brought over with pg_upgrade (a cluster made with PostgreSQL 15 that a
    /// later odb finds only 18's programs for, say).
    func checkVersion(programs: PostgresPrograms) async throws {
        guard let cluster = majorVersion, let found = try await programs.majorVersion(), cluster != found else { return }
        throw OdbError.clusterVersionMismatch(
            path: directory, cluster: String(cluster), programs: String(found), binDirectory: programs.binDirectory)
    }
}
