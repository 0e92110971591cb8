import Foundation

/// PostgreSQL's own programs (`initdb`, `pg_ctl`, `psql`, …), found in one folder.
public struct PostgresPrograms: Sendable {
    public let binDirectory: String

    /// `ODB_PG_BINDIR` when set, else `pg_config --bindir`, else the newest
    /// `/usr/lib/postgresql/*/bin`, else the folder of `initdb` on `PATH`.
    public static func locate(environment: [String: String]) async throws -> PostgresPrograms {
        if let explicit = environment["ODB_PG_BINDIR"], !explicit.isEmpty {
            return PostgresPrograms(binDirectory: explicit)
        }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        if let pgConfig = Program.find("pg_config", path: path),
            let result = try? await Program(pgConfig, ["--bindir"], timeout: .seconds(30)).run()
        {
            let folder = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if FileManager.default.isExecutableFile(atPath: folder + "/initdb") {
                return PostgresPrograms(binDirectory: folder)
            }
        }
        let debian = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []
        if let newest = versions.compactMap(Int.init).sorted().last {
            return PostgresPrograms(binDirectory: "\(debian)/\(newest)/bin")
        }
        if let initdb = Program.find("initdb", path: path) {
            return PostgresPrograms(binDirectory: URL(fileURLWithPath: initdb).deletingLastPathComponent().path)
        }
        throw OdbError.programMissing("initdb")
    }

    /// The full path of one program, or a clear error naming the package to install.
    public func path(of program: String) throws -> String {
        let candidate = binDirectory + "/" + program
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw OdbError.programMissing(program)
        }
        return candidate
    }
}
