import Foundation

/// What `CREATE DATABASE … TEMPLATE` does not copy: the owner, the privileges (`GRANT … ON
/// DATABASE`), the per-database settings (`ALTER DATABASE … SET`, `ALTER ROLE … IN DATABASE …
/// SET`), the comment, the connection limit and whether connections are allowed. odb records them
/// at commit and puts them back on revert.
public struct DatabaseProperties: Codable, Sendable, Equatable {
    public var owner: String
    public var connectionLimit: Int
    public var allowConnections: Bool
    public var comment: String?
    /// True while the database has PostgreSQL's default privileges (a NULL ACL).
    public var defaultPrivileges: Bool
    public var grants: [Grant]
    public var settings: [Setting]

    public struct Grant: Codable, Sendable, Equatable {
        /// nil for PUBLIC.
        public var grantee: String?
        public var privilege: String
        public var grantable: Bool
    }

    public struct Setting: Codable, Sendable, Hashable {
        /// nil for every role (`ALTER DATABASE … SET`).
        public var role: String?
        /// `name=value`, as PostgreSQL stores it.
        public var setting: String
    }

    /// The query that reads them, as one JSON document.
    static func read(_ database: String, on connection: Connection) throws -> DatabaseProperties? {
        let rows = try connection.query(
            """
            SELECT json_build_object(
                'owner', pg_get_userbyid(d.datdba),
                'connectionLimit', d.datconnlimit,
                'allowConnections', d.datallowconn,
                'comment', shobj_description(d.oid, 'pg_database'),
                'defaultPrivileges', d.datacl IS NULL,
                'grants', COALESCE((
                    SELECT json_agg(json_build_object(
                        'grantee', CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END,
                        'privilege', a.privilege_type, 'grantable', a.is_grantable))
                    FROM aclexplode(d.datacl) a), '[]'::json),
                'settings', COALESCE((
                    SELECT json_agg(json_build_object(
                        'role', CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole) END,
                        'setting', c))
                    FROM pg_db_role_setting s, unnest(s.setconfig) c WHERE s.setdatabase = d.oid), '[]'::json)
            )::text AS properties
            FROM pg_database d WHERE d.datname = \(database)
            """)
        guard let text = try rows.first?.string("properties") else { return nil }
        return try JSONCoding.decoder.decode(DatabaseProperties.self, from: Data(text.utf8))
    }

    /// The statements that give a fresh copy named `database` these properties, except
    /// `allowConnections`, which the caller sets last. Grants and settings for roles that no
    /// longer exist are left out.
    func restoreStatements(on database: String, existingRoles: Set<String>) -> [SQL] {
        var statements: [SQL] = []
        if existingRoles.contains(owner) {
            statements.append("ALTER DATABASE \(identifier: database) OWNER TO \(identifier: owner)")
        }
        if !defaultPrivileges {
            statements.append("REVOKE ALL ON DATABASE \(identifier: database) FROM PUBLIC")
            if existingRoles.contains(owner) {
                statements.append("REVOKE ALL ON DATABASE \(identifier: database) FROM \(identifier: owner)")
            }
            for grant in grants where Self.privileges.contains(grant.privilege) {
                let option = grant.grantable ? " WITH GRANT OPTION" : ""
                if let grantee = grant.grantee {
                    guard existingRoles.contains(grantee) else { continue }
                    statements.append(
                        "GRANT \(unsafeRaw: grant.privilege) ON DATABASE \(identifier: database) TO \(identifier: grantee)\(unsafeRaw: option)"
                    )
                } else {
                    statements.append("GRANT \(unsafeRaw: grant.privilege) ON DATABASE \(identifier: database) TO PUBLIC")
                }
            }
        }
        statements.append("ALTER DATABASE \(identifier: database) CONNECTION LIMIT \(unsafeRaw: String(connectionLimit))")
        if let comment {
            statements.append("COMMENT ON DATABASE \(identifier: database) IS \(literal: comment)")
        }
        for setting in settings {
            guard let statement = Self.settingStatement(setting, database: database, existingRoles: existingRoles) else {
                continue
            }
            statements.append(statement)
        }
        return statements
    }

    /// The roles these properties name (owner, grantees, settings) that are not among
    /// `existingRoles`: what `restoreStatements` has to leave out.
    func missingRoles(existingRoles: Set<String>) -> [String] {
        let named = [owner] + grants.compactMap(\.grantee) + settings.compactMap(\.role)
        return Array(Set(named).subtracting(existingRoles)).sorted()
    }

    /// The privileges a database can have, as aclexplode names them.
    static let privileges: Set<String> = ["CREATE", "TEMPORARY", "CONNECT"]

    /// Settings whose value is a list of names, which PostgreSQL stores quoted and which must be
    /// given back element by element (as pg_dump does).
    static let listSettings: Set<String> = [
        "search_path", "temp_tablespaces", "local_preload_libraries", "session_preload_libraries",
        "shared_preload_libraries", "unix_socket_directories",
    ]

    static func settingStatement(_ setting: Setting, database: String, existingRoles: Set<String>) -> SQL? {
        guard let equals = setting.setting.firstIndex(of: "=") else { return nil }
        let name = String(setting.setting[..<equals])
        let value = String(setting.setting[setting.setting.index(after: equals)...])
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else { return nil }
        var sql: SQL
        if let role = setting.role {
            guard existingRoles.contains(role) else { return nil }
            sql = "ALTER ROLE \(identifier: role) IN DATABASE \(identifier: database) SET "
        } else {
            sql = "ALTER DATABASE \(identifier: database) SET "
        }
        for (index, part) in parts.enumerated() {
            if index > 0 { sql.fragments.append(.text(".")) }
            sql.fragments.append(.identifier(part))
        }
        sql.fragments.append(.text(" TO "))
        let values = listSettings.contains(name.lowercased()) ? splitList(value) : [value]
        for (index, element) in values.enumerated() {
            if index > 0 { sql.fragments.append(.text(", ")) }
            sql.fragments.append(.literal(element))
        }
        if values.isEmpty { sql.fragments.append(.literal("")) }
        return sql
    }

    /// Splits `"$user", public` into `$user` and `public`, as PostgreSQL's SplitGUCList does.
    static func splitList(_ value: String) -> [String] {
        var elements: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(value).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            current.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                elements.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty || !elements.isEmpty { elements.append(last) }
        return elements
    }
}

enum JSONCoding {
    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
