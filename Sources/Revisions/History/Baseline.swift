/// What the working database looked like, cheaply, at its last commit or revert: the statistics
/// PostgreSQL counts anyway and a digest of its catalog. `odb status` compares it with now.
///
/// Statistics are counts of rows written per table (`n_tup_ins + n_tup_upd + n_tup_del`), which
/// only grow, each table's file (`relfilenode`: a TRUNCATE or a rewrite changes it) and each
/// sequence's last value. They tell that something was written, never that nothing was, unless
/// they are known to be whole: not reset since (`stats_reset`), the server not restarted (a crash
/// forgets them), the database the same one (its oid).
public struct Baseline: Codable, Sendable, Equatable {
    public var oid: String
    public var statsReset: String?
    public var serverStarted: String
    public var catalog: String
    /// Per table (`schema.name`): rows written.
    public var written: [String: Int64]
    /// Per table: its file, which a TRUNCATE, VACUUM FULL, CLUSTER or rewriting ALTER changes.
    public var files: [String: String]
    /// Per sequence: its last value (nil before its first use).
    public var sequences: [String: String]

    /// Reads it on a session on the working database.
    static func read(on session: Connection) throws -> Baseline {
        let database = try session.query(
            """
            SELECT d.oid::text AS oid, s.stats_reset::text AS stats_reset, pg_postmaster_start_time()::text AS started
            FROM pg_database d LEFT JOIN pg_stat_database s ON s.datid = d.oid
            WHERE d.datname = current_database()
            """
        ).first
        var baseline = Baseline(
            oid: try database?.string("oid") ?? "", statsReset: try database?.optionalString("stats_reset"),
            serverStarted: try database?.string("started") ?? "", catalog: try catalogDigest(on: session), written: [:],
            files: [:], sequences: [:])
        try session.forEachRow(
            """
            SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name,
                   (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::bigint AS written, c.relfilenode::text AS file
            FROM pg_stat_all_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') OR s.relname = 'pg_largeobject'
            """
        ) { row in
            let name = try row.string("name")
            baseline.written[name] = try row.int64("written")
            baseline.files[name] = try row.string("file")
        }
        try session.forEachRow(
            """
            SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name, last_value::text AS value
            FROM pg_sequences WHERE has_sequence_privilege(quote_ident(schemaname) || '.' || quote_ident(sequencename), 'SELECT')
            """
        ) { row in
            baseline.sequences[try row.string("name")] = try row.optionalString("value") ?? ""
        }
        return baseline
    }

    /// A digest of the user's schema, computed by the server over its catalog: namespaces,
    /// relations and their columns, constraints, indexes, functions, triggers, policies,
    /// extensions, types, and the privileges on them. Any DDL changes it.
    static func catalogDigest(on session: Connection) throws -> String {
        try session.query(
            """
            WITH user_namespaces AS (
                SELECT oid, nspname FROM pg_namespace
                WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%'
                  AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'),
            parts AS (
                SELECT 'n ' || n.nspname || ' ' || coalesce(n.nspacl::text, '') AS part
                FROM pg_namespace n JOIN user_namespaces USING (oid)
                UNION ALL
                SELECT 'c ' || c.oid || ' ' || c.relname || ' ' || c.relkind::text || ' ' || c.relnamespace || ' '
                       || coalesce(c.relacl::text, '') || ' ' || c.relrowsecurity || ' ' || coalesce(c.reloptions::text, '')
                FROM pg_class c JOIN user_namespaces u ON u.oid = c.relnamespace
                UNION ALL
                SELECT 'a ' || a.attrelid || ' ' || a.attnum || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                       || ' ' || a.attnotnull || ' ' || a.attisdropped || ' ' || a.attcollation || ' '
                       || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' ' || coalesce(a.attacl::text, '')
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN user_namespaces u ON u.oid = c.relnamespace
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.attnum > 0
                UNION ALL
                SELECT 'k ' || x.conrelid || ' ' || x.contypid || ' ' || x.conname || ' ' || pg_get_constraintdef(x.oid)
                FROM pg_constraint x JOIN user_namespaces u ON u.oid = x.connamespace
                UNION ALL
                SELECT 'i ' || pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN user_namespaces u ON u.oid = c.relnamespace
                UNION ALL
                SELECT 'v ' || c.oid || ' ' || pg_get_viewdef(c.oid)
                FROM pg_class c JOIN user_namespaces u ON u.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')
                UNION ALL
                SELECT 'f ' || p.oid || ' ' || p.proname || ' ' || md5(p.prosrc) || ' ' || pg_get_function_identity_arguments(p.oid)
                       || ' ' || p.prorettype || ' ' || coalesce(p.proacl::text, '') || ' ' || coalesce(p.proconfig::text, '')
                FROM pg_proc p JOIN user_namespaces u ON u.oid = p.pronamespace
                UNION ALL
                SELECT 't ' || pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
                FROM pg_trigger t WHERE NOT t.tgisinternal
                UNION ALL
                SELECT 'p ' || p.polrelid || ' ' || p.polname || ' ' || p.polcmd::text || ' ' || p.polpermissive || ' '
                       || p.polroles::text || ' ' || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' '
                       || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
                FROM pg_policy p
                UNION ALL
                SELECT 'e ' || extname || ' ' || extversion FROM pg_extension
                UNION ALL
                SELECT 'y ' || t.oid || ' ' || t.typname || ' ' || t.typtype::text || ' ' || coalesce(t.typacl::text, '')
                       || coalesce((SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = t.oid), '')
                FROM pg_type t JOIN user_namespaces u ON u.oid = t.typnamespace
                WHERE t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
                UNION ALL
                SELECT 'r ' || r.ev_class || ' ' || r.rulename || ' ' || pg_get_ruledef(r.oid)
                FROM pg_rewrite r WHERE r.rulename <> '_RETURN')
            SELECT md5(coalesce(string_agg(part, E'\\n' ORDER BY part), '')) AS digest FROM parts
            """
        ).first?.string("digest") ?? ""
    }
}
