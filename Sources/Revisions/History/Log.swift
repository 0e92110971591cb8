import Foundation

/// The history, as `odb log` shows it.
extension Repository {
    /// Newest first, in one query whatever the number of revisions; `only` one revision (a
    /// number, a tag or `tip`), or those made `since` a time. With `all`, hidden states too (the
    /// working databases reverts kept, numbers below 0), all in the order they were made, which
    /// keeps every child before its parent for the graph. `holding` a role: only the revisions
    /// whose databases hold something of it (objects it owns, privileges granted to it, policies
    /// naming it: what `pg_shdepend` counts across databases, and what keeps `DROP ROLE` from
    /// succeeding).
    public func log(
        limit: Int? = nil, only: RevisionArgument? = nil, since: Date? = nil, all: Bool = false, holding role: String? = nil
    ) throws -> [Revision] {
        let number = try only.map { try resolve($0, parent: try state().parent) }
        return try connection.query(
            """
            SELECT r.number, r.parent, CASE WHEN d.oid IS NULL THEN NULL ELSE r.dbname END AS dbname,
                   r.message, r.author, r.size,
                   to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created,
                   coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM odb.tags t
                             WHERE t.database = r.database AND t.number = r.number), '[]'::json)::text AS tags,
                   EXISTS (SELECT 1 FROM odb.spares s WHERE s.database = r.database AND s.number = r.number AND s.ready) AS spare,
                   EXISTS (SELECT 1 FROM odb.pending p WHERE p.database = r.database AND p.number = r.number) AS loading
            FROM odb.revisions r LEFT JOIN pg_database d ON d.datname = r.dbname
            WHERE r.database = \(database) AND (\(number == nil) OR r.number = \(number ?? 0))
              AND (\(all || number != nil) OR r.number > 0)
              AND (\(since == nil) OR r.created_at >= to_timestamp(\(String(since?.timeIntervalSince1970 ?? 0))::float8))
              AND (\(role == nil) OR EXISTS (
                    SELECT 1 FROM pg_shdepend s WHERE s.dbid = d.oid AND s.refclassid = 'pg_authid'::regclass
                      AND s.refobjid = (SELECT oid FROM pg_roles WHERE rolname = \(role ?? ""))))
            ORDER BY CASE WHEN \(all) THEN r.created_at END DESC, r.number DESC
            LIMIT \(limit.map(Int64.init) ?? Int64.max)
            """
        ).map { row in
            Revision(
                number: try row.int("number"), parent: try row.int("parent"), database: try row.optionalString("dbname"),
                message: try row.string("message"), author: try row.string("author"), created: try row.string("created"),
                size: try row.optionalInt64("size"), tags: try row.jsonArray("tags"), spare: try row.bool("spare"),
                loading: try row.bool("loading"))
        }
    }
}

extension Row {
    /// A column holding a JSON array (from `json_agg`), decoded.
    func jsonArray<Element: Decodable>(_ column: String) throws -> [Element] {
        try JSONCoding.decoder.decode([Element].self, from: Data(try string(column).utf8))
    }
}
