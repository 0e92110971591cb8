/// `odb migrate --status`: what the migrated database's tracking table says, beside the folder.
extension Repository {
    public func migrationStatus(folder: String, conninfo: String) throws -> MigrationStatus {
        let patches = try PatchFolder.patches(in: folder)
        let table = TrackingTable(connection: try openWorking(conninfo))
        let rows = try table.rows()
        let byNumber = Dictionary(uniqueKeysWithValues: patches.map { ($0.number, $0) })
        let applied = try rows.map { row in
            let state: MigrationStatus.FileState
            if row.end == nil {
                state = .unfinished
            } else if let patch = byNumber[row.number] {
                state = try patch.contents().sha256 == row.sha256 ? .unchanged : .changed
            } else {
                state = .missing
            }
            return MigrationStatus.Applied(
                file: row.file, type: row.type, started: row.start, ended: row.end, appliedBy: row.appliedBy,
                role: row.role, guardRevision: row.guardRevision, sha256: row.sha256, state: state)
        }
        let done = Set(rows.map(\.number))
        return MigrationStatus(
            database: database, folder: folder, applied: applied,
            pending: patches.filter { !done.contains($0.number) }.map(\.file),
            invalidIndexes: rows.contains { $0.end == nil } ? try table.invalidIndexes() : [])
    }
}
