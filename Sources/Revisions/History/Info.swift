import Foundation

/// Where the working database stands, as `odb info` shows it.
extension Repository {
    /// In one query, one more for the replaced databases logical replication keeps, and one more
    /// where odb can see the server's files, for leftover folders.
    public func info() throws -> Info {
        var info = try recordedInfo()
        info.copies = control.copyMethod()
        let leftovers = try control.leftoverFolders()
        if !leftovers.isEmpty { info.leftoverFolders = LeftoverFolders(leftovers) }
        info.keptForReplication = try keptForReplication()
        return info
    }

    private func recordedInfo() throws -> Info {
        guard
            let row = try connection.queryWhileDatabasesDrop(
                """
                SELECT d.revision, d.parent,
                       coalesce((SELECT max(number) FROM odb.revisions r WHERE r.database = d.name AND r.number > 0), 0) AS tip,
                       (SELECT count(*) FROM odb.revisions r JOIN pg_database p ON p.datname = r.dbname
                        WHERE r.database = d.name AND r.number > 0) AS revisions,
                       coalesce((SELECT sum(size) FROM odb.revisions r JOIN pg_database p ON p.datname = r.dbname
                                 WHERE r.database = d.name AND r.number > 0), 0) AS revisions_size,
                       EXISTS (SELECT 1 FROM pg_database p WHERE p.datname = d.name) AS present,
                       coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM odb.tags t
                                 WHERE t.database = d.name AND t.number = d.parent), '[]'::json)::text AS tags,
                       coalesce((SELECT pg_database_size(p.oid) FROM pg_database p WHERE p.datname = d.name), 0) AS size,
                       coalesce((SELECT json_agg(json_build_object('number', s.number, 'database', s.dbname, 'ready', s.ready,
                                                         'size', s.size) ORDER BY s.number) FROM odb.spares s
                                 WHERE s.database = d.name AND s.ready), '[]'::json)::text AS spares,
                       coalesce((SELECT sum(s.size) FROM odb.spares s WHERE s.database = d.name AND s.ready), 0) AS spares_size,
                       coalesce((SELECT sum(pg_database_size(p.oid)) FROM odb.discarded x JOIN pg_database p ON p.datname = x.dbname
                                 WHERE x.database = d.name), 0) AS discarded_size,
                       d.spare_failure::text AS spare_failure
                FROM odb.databases d WHERE d.name = \(database)
                """
            ).first
        else { throw OdbError.notTracked(database: database) }
        return Info(
            database: database, server: control.server.display, revision: try row.int("revision"),
            parent: try row.int("parent"), tip: try row.int("tip"), parentTags: try row.jsonArray("tags"),
            size: try row.int64("size"), revisions: try row.int("revisions"), revisionsSize: try row.int64("revisions_size"),
            spares: try row.jsonArray("spares"), sparesSize: try row.int64("spares_size"),
            discardedSize: try row.int64("discarded_size"),
            spareFailure: try row.optionalString("spare_failure").map {
                try JSONCoding.decoder.decode(SpareFailure.self, from: Data($0.utf8))
            }, exists: try row.bool("present"))
    }
}
