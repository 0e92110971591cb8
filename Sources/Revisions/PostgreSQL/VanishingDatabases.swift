import Foundation

extension Connection {
    /// Runs a query that measures databases (`pg_database_size`) which another session may be
    /// dropping meanwhile: a database seen in the catalog can be gone by the time its size is
    /// asked, and PostgreSQL then fails the whole query. Such a query is run again, every few
    /// milliseconds for up to `patience`, since drops can follow one another for a while (a busy
    /// background worker).
    @discardableResult
    func queryWhileDatabasesDrop(_ sql: SQL, patience: Duration = .seconds(5)) throws -> Rows {
        let end = ContinuousClock.now + patience
        while ContinuousClock.now < end {
            do {
                return try query(sql)
            } catch let error as PostgresError where Self.vanishedStates.contains(error.sqlState) {
                // The query only reads, so asking again is harmless whatever the cause.
                try Interruption.shared.checkpoint()
                usleep(5_000)
            }
        }
        return try query(sql)
    }

    /// How PostgreSQL says a database went away under a query, told by SQLSTATE, never by the
    /// server's words: "database with OID … does not exist" is 3D000 on 15 and 42704 from 16 on
    /// (its privilege check moved); "cache lookup failed for database" is XX000.
    static let vanishedStates: Set<SQLState?> = [.invalidCatalogName, .undefinedObject, .internalError]
}
