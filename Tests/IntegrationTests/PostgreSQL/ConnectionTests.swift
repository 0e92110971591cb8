import Testing

@testable import Revisions

extension Integration {
    @Suite struct ConnectionTests {
        @Test(arguments: [
            "with 'quotes' and \"double quotes\"", "spaces  and\ttabs", "ünïcødé ✓ 数据库", "semi; DROP DATABASE postgres; --",
            "back\\slash %_ like*", String(repeating: "ß", count: 26),
        ])
        func hostileNamesRoundTrip(_ suffix: String) async throws {
            try await withSandbox { sandbox in
                let name = sandbox.name(suffix)
                let connection = try sandbox.connect()
                try connection.query("CREATE DATABASE \(identifier: name)")
                let found = try connection.query("SELECT datname FROM pg_database WHERE datname = \(name)")
                #expect(try found.map { try $0.string("datname") } == [name])
            }
        }

        @Test func valuesAreBoundNeverSpliced() async throws {
            try await withSandbox { sandbox in
                let hostile = "'); DROP TABLE pg_class; --"
                let rows = try sandbox.connect().query(
                    "SELECT \(hostile)::text AS value, \(42) + 1 AS answer, \(Optional<String>.none)::text AS missing")
                #expect(try rows.first?.optionalString("value") == hostile)
                #expect(try rows.first?.int("answer") == 43)
                #expect(try rows.first?.optionalString("missing") == nil)
            }
        }

        @Test func errorsCarryTheSQLState() async throws {
            try await withSandbox { sandbox in
                let connection = try sandbox.connect()
                #expect(throws: PostgresError.self) { try connection.query("SELEC 1") }
                do {
                    try connection.query("SELECT * FROM no_such_table")
                    Issue.record("expected an error")
                } catch let error as PostgresError {
                    #expect(error.sqlState == .undefinedTable)
                    #expect(error.message.contains("no_such_table"))
                }
                do {
                    try connection.query("SELEC 1")
                } catch SQLState.syntaxError {
                    // matched through the ~= pattern
                }
            }
        }

        @Test func failedConnectionsSayWhyAndReleaseTheHandle() {
            #expect(throws: PostgresError.self) {
                try Connection(conninfo: "host=/nonexistent/socket port=1", database: "postgres")
            }
            #expect(Connection.ping(conninfo: "host=/nonexistent/socket port=1") == false)
        }

        @Test func aTransactionRollsBackWhenItsBodyThrows() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("tx", rows: [1])
                let connection = try sandbox.connect(database)
                struct Failure: Error {}
                #expect(throws: Failure.self) {
                    try connection.transaction {
                        try connection.query("INSERT INTO t VALUES (2)")
                        throw Failure()
                    }
                }
                #expect(try sandbox.rows(database) == [1])
            }
        }
    }
}
