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
            } catch let error as PostgresError where error.sqlState == .invalidCatalogName || error.sqlState == .internalError {
                // Told by its SQLSTATE, never by the server's words: 3D000 ("database with OID …
                // does not exist") on 15, XX000 ("cache lookup failed for database") on 18. The
                // query only reads, so asking again is harmless either way.
                try Interruption.shared.checkpoint()
                usleep(5_000)
            }
        }
        return try query(sql)
    }
}
