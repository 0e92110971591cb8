import ArgumentParser
import Foundation
import Revisions

/// odb drops replaced databases and builds spares in a background `odb maintain`, unless
/// ODB_BACKGROUND=0 (then a revert drops what it replaced before returning, and no spares are built).
var backgroundWork: Bool { ProcessInfo.processInfo.environment["ODB_BACKGROUND"] != "0" }

/// How a command that copies or replaces the working database treats other sessions on it, and
/// how it copies.
struct ChangeOptions: ParsableArguments {
    @Flag(name: .customLong("no-terminate"), help: "Refuse instead of ending other connections to the database.")
    var noTerminate = false

    @Option(help: "How PostgreSQL copies: auto (a clone where it works, else the faster), clone, wal_log or file_copy.")
    var strategy: StrategyChoice = .auto

    enum StrategyChoice: String, ExpressibleByArgument, CaseIterable {
        case auto
        case walLog = "wal_log"
        case fileCopy = "file_copy"
        case clone
    }

    /// Runs `change` on the tracked database, then leaves the tidying (dropping what a revert
    /// replaced, rebuilding spares) to a background worker, when there is one.
    func run<T>(
        _ connection: ConnectionOptions, _ output: OutputOptions, _ change: (Repository) throws -> T
    ) async throws -> T {
        let options = Repository.Options(
            terminate: !noTerminate, strategy: strategy == .auto ? nil : CopyStrategy(rawValue: strategy.rawValue),
            background: backgroundWork)
        let (workspace, repository) = try await connection.workspaceAndRepository(options: options, reporting: output)
        let outcome = try change(repository)
        if backgroundWork { try? workspace.startMaintenance(of: repository.database) }
        return outcome
    }

    /// `run` for a change that also needs the workspace and its own lock deadline (`odb migrate`);
    /// the background worker starts also when the change failed, since a failed migration reverts.
    func run<T>(
        _ connection: ConnectionOptions, _ output: OutputOptions, lockTimeout: Duration,
        _ change: (Workspace, Repository) throws -> T
    ) async throws -> T {
        let options = Repository.Options(
            terminate: !noTerminate, lockTimeout: lockTimeout,
            strategy: strategy == .auto ? nil : CopyStrategy(rawValue: strategy.rawValue), background: backgroundWork)
        let (workspace, repository) = try await connection.workspaceAndRepository(options: options, reporting: output)
        defer { if backgroundWork { try? workspace.startMaintenance(of: repository.database) } }
        return try change(workspace, repository)
    }
}
