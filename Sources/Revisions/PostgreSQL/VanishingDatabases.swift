extension Connection {
    /// Runs a query that measures databases (`pg_database_size`) which another session may be
    /// dropping meanwhile: a database seen in the catalog can be gone by the time its size is
    /// asked, and PostgreSQL then fails the whole query. Such a query is run again, a few times.
    @discardableResult
    func queryWhileDatabasesDrop(_ sql: SQL, attempts: Int = 5) throws -> Rows {
        for _ in 1..<attempts {
            do {
                return try query(sql)
            } catch SQLState.invalidCatalogName {
                // Told by its SQLSTATE (3D000), never by the server's words.
                continue
            }
        }
        return try query(sql)
    }
}
