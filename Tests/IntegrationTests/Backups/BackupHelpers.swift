import Foundation
import Testing

@testable import Revisions

extension Sandbox {
    /// The project's default dump folder.
    var dumpFolder: String { directory + "/.odb/dumps" }

    /// Every file under the dump folder, relative to it.
    func dumpFiles(in folder: String? = nil) -> [String] {
        let root = folder ?? dumpFolder
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// `odb dump` that must succeed; returns its manifest.
    func dump(_ arguments: [String] = [], environment: [String: String?] = [:]) async throws -> Manifest {
        let result = try await odb(["dump", "--json"] + arguments, environment: environment)
        try expectSuccess(result)
        return try JSONDecoder().decode(Manifest.self, from: Data(result.output.utf8))
    }

    /// `odb ls --json`: the finished dumps, newest first.
    func listedDumps(_ arguments: [String] = [], environment: [String: String?] = [:]) async throws -> [Manifest] {
        let result = try await odb(["ls", "--json"] + arguments, environment: environment)
        try expectSuccess(result)
        return try JSONDecoder().decode(DumpListing.self, from: Data(result.output.utf8)).dumps
    }

    /// `odb restore --json` that must succeed.
    func restore(_ arguments: [String], environment: [String: String?] = [:]) async throws -> RestoreOutcome {
        let result = try await odb(["restore", "--json"] + arguments, environment: environment)
        try expectSuccess(result)
        return try JSONDecoder().decode(RestoreOutcome.self, from: Data(result.output.utf8))
    }

    /// The arguments of every process running on this machine.
    static func processes() -> [[String]] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The messages of the revisions of `database`, by number.
    func revisionMessages(_ database: String) throws -> [Int: String] {
        var messages: [Int: String] = [:]
        for row in try connect(control).query("SELECT number, message FROM odb.revisions WHERE database = \(database)") {
            messages[try row.int("number")] = try row.string("message")
        }
        return messages
    }
}
