import Revisions

extension Text {
    /// Why logical replication keeps a database odb was to drop, then the statements that clear
    /// it, exactly as the user can run them; one line, whatever the names hold.
    static func replicationKeeps(_ replication: Replication) -> String {
        let reasons =
            replication.slots.map { "slot \($0) decodes it (dropping the database would drop the slot)" }
            + replication.subscriptions.map { "subscription \($0) lives in it (PostgreSQL refuses to drop the database)" }
        let fixes =
            replication.slots.map { "SELECT pg_drop_replication_slot(\(sqlLiteral($0)))" }
            + replication.subscriptions.map { name in
                let subscription = sqlIdentifier(name)
                return "ALTER SUBSCRIPTION \(subscription) DISABLE; ALTER SUBSCRIPTION \(subscription) SET (slot_name = NONE); "
                    + "DROP SUBSCRIPTION \(subscription)"
            }
        let connected = replication.subscriptions.isEmpty ? "" : " connected to '\(replication.database)'"
        return oneLine(
            "logical replication keeps '\(replication.database)': \(reasons.joined(separator: ", ")); "
                + "if nothing needs \(replication.slots.count + replication.subscriptions.count == 1 ? "it" : "them") any more, "
                + "run\(connected): \(fixes.joined(separator: "; "))")
    }

    /// `text` as an SQL string literal.
    static func sqlLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// `name` as an SQL identifier: as it is when PostgreSQL would read it unchanged, else quoted.
    static func sqlIdentifier(_ name: String) -> String {
        if name.wholeMatch(of: /[a-z_][a-z0-9_]*/) != nil && !reservedWords.contains(name) { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// PostgreSQL's reserved key words, which an identifier must quote.
    private static let reservedWords: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check",
        "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role", "current_time",
        "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except",
        "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
        "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or",
        "order", "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric",
        "system_user", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when",
        "where", "window", "with",
    ]
}
