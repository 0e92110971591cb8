import Foundation

/// Why the background worker could not build a spare, kept in the control database so that the
/// next command the user types (`info`, `spares`, `revert`) says so: a background failure never
/// stays silent. Cleared when a spare is built again.
public struct SpareFailure: Codable, Sendable, Equatable {
    public enum Problem: String, Codable, Sendable {
        /// Less room on the server's disk than the copy and its margin need.
        case diskSpace = "disk space"
        /// Someone has the revision database open, so PostgreSQL cannot copy it.
        case revisionInUse = "revision in use"
        /// The role may not make the copy.
        case notPermitted = "not permitted"
        /// Anything else the server said.
        case server
    }

    /// The revision whose spare failed.
    public let number: Int
    public let problem: Problem
    /// What the server or odb's check said.
    public let detail: String

    init(number: Int, error: any Error) {
        self.number = number
        switch error {
        case OdbError.notEnoughSpace(_, let needed, let free, _, _):
            (problem, detail) = (.diskSpace, "needs \(needed) bytes, \(free) free")
        case OdbError.revisionInUse(_, let detail):
            (problem, self.detail) = (.revisionInUse, detail)
        case OdbError.notPermitted(_, let reason):
            (problem, detail) = (.notPermitted, reason)
        case OdbError.copyFailed(_, _, let error):
            (problem, detail) = (.server, error.message)
        case let error as PostgresError:
            (problem, detail) = (.server, error.message)
        default:
            (problem, detail) = (.server, "\(error)")
        }
    }
}

extension TrackedDatabase {
    /// Records why a spare could not be built (nil: it was built, forget any failure).
    func recordSpareFailure(_ failure: SpareFailure?) throws {
        let json = try failure.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
        try connection.query("UPDATE odb.databases SET spare_failure = \(json)::jsonb WHERE name = \(database)")
    }

    /// The last spare failure, if one is recorded.
    func spareFailure() throws -> SpareFailure? {
        guard
            let text = try connection.query(
                "SELECT spare_failure::text AS failure FROM odb.databases WHERE name = \(database)"
            ).first?.optionalString("failure")
        else { return nil }
        return try JSONCoding.decoder.decode(SpareFailure.self, from: Data(text.utf8))
    }
}
