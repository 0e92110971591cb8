import Foundation

/// A ready copy of a revision, with its owner, grants and settings already restored, kept so that
/// a revert to that revision is a rename swap rather than a copy.
///
/// Spares are built by `maintain()`, which odb runs in a background process after each commit and
/// revert. One advisory lock lets one worker at a time tidy a database; the repository lock guards
/// the moments when a spare becomes ready or is dropped, so a revert never uses a spare that is
/// going away. A spare never holds user data: losing one loses nothing, and a revert without one
/// copies as before.
public struct Spare: Codable, Sendable, Equatable {
    public let number: Int
    public let database: String
    public let ready: Bool
    public let size: Int64?
}

/// How many spares a database keeps, and the ones it has.
public struct SparePolicy: Codable, Sendable, Equatable {
    public let database: String
    /// How many revisions get a spare: the working database's parent first, then tagged revisions,
    /// then the newest. 0 turns spares off.
    public let keep: Int
    public let spares: [Spare]
    /// Why the last spare could not be built, if it could not.
    public var spareFailure: SpareFailure? = nil
}

extension Repository {
    /// The spare of revision `number` once a worker building it now has finished: waiting for the
    /// rest of a build is never slower than a copy of one's own. Nil when there is no build under
    /// way, its worker went away, or it is not done within `deadline`.
    func awaitSpare(_ number: Int, deadline: Duration = .seconds(600)) throws -> String? {
        let end = ContinuousClock.now + deadline
        var announced = false
        while let build = try spareRecords.build(of: number) {
            if build.ready { return try spareRecords.ready(number) }
            guard build.building, ContinuousClock.now < end else { return nil }
            if !announced {
                let (size, running) = (try? spareRecords.buildUnderWay(of: number)) ?? (nil, nil)
                events(.waitingForSpare(number: number, size: size, running: running, timeout: deadline))
                announced = true
            }
            try Interruption.shared.checkpoint()
            usleep(20_000)
        }
        return nil
    }

    public func sparePolicy() throws -> SparePolicy {
        SparePolicy(
            database: database, keep: try state().spares, spares: try spareRecords.all(),
            spareFailure: try tracking.spareFailure())
    }

    /// Sets how many spares to keep (0: none); `maintain()` builds or drops them to match.
    public func keepSpares(_ count: Int) throws -> SparePolicy {
        guard count >= 0, count <= 100 else { throw OdbError.invalidSpareCount(count) }
        try changing { _ in try tracking.setSpares(count) }
        return try sparePolicy()
    }

    /// The revisions that should have a spare, best first, with their databases.
    func wantedSpares() throws -> [(number: Int, source: String)] {
        try connection.query(
            """
            SELECT r.number, r.dbname FROM odb.revisions r
            JOIN odb.databases d ON d.name = r.database
            JOIN pg_database p ON p.datname = r.dbname
            WHERE r.database = \(database) AND r.number > 0 AND NOT d.protected
            ORDER BY r.number = d.parent DESC,
                     EXISTS (SELECT 1 FROM odb.tags t WHERE t.database = r.database AND t.number = r.number) DESC,
                     r.number DESC
            LIMIT (SELECT spares FROM odb.databases WHERE name = \(database))
            """
        ).map { (try $0.int("number"), try $0.string("dbname")) }
    }
}
