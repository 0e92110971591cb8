import Foundation
import Testing

@testable import Revisions

/// Reading a large result row by row, and cancelling a statement from another thread.
extension Integration {
    @Suite struct StreamingTests {
        @Test func rowsArriveOneAtATime() async throws {
            try await withSandbox { sandbox in
                let connection = try sandbox.connect()
                var count = 0
                var sum = 0
                try connection.forEachRow("SELECT g AS n, repeat('x', 100) AS pad FROM generate_series(1, 200000) g") { row in
                    count += 1
                    sum += try row.int("n")
                    #expect(try row.string("pad").count == 100)
                }
                #expect(count == 200_000)
                #expect(sum == 200_000 * 200_001 / 2)
            }
        }

        /// A reader that stops half-way (it throws) leaves the connection ready for the next
        /// statement; a statement that fails mid-stream reports the server's error.
        @Test func stoppingEarlyOrFailingLeavesTheConnectionReady() async throws {
            try await withSandbox { sandbox in
                let connection = try sandbox.connect()
                struct Enough: Error {}
                var seen = 0
                #expect(throws: Enough.self) {
                    try connection.forEachRow("SELECT g FROM generate_series(1, 10000000) g") { _ in
                        seen += 1
                        if seen == 10 { throw Enough() }
                    }
                }
                #expect(seen == 10)
                #expect(try connection.query("SELECT 42 AS answer").first?.int("answer") == 42)
                #expect(throws: PostgresError.self) {
                    try connection.forEachRow("SELECT 1 / (5000 - g) FROM generate_series(1, 10000) g") { _ in }
                }
                #expect(try connection.query("SELECT 43 AS answer").first?.int("answer") == 43)
            }
        }

        /// `cancel()` from another thread stops a running statement with SQLSTATE 57014, as the
        /// interruption handler does when odb gets a signal.
        @Test func aRunningStatementIsCancelledFromAnotherThread() async throws {
            try await withSandbox { sandbox in
                let connection = try sandbox.connect()
                let canceller = UncheckedBox(connection)
                let start = ContinuousClock.now
                let thread = Thread {
                    usleep(200_000)
                    canceller.value.cancel()
                }
                thread.start()
                let error = #expect(throws: PostgresError.self) { try connection.query("SELECT pg_sleep(30)") }
                #expect(error?.sqlState == .queryCanceled)
                #expect(ContinuousClock.now - start < .seconds(10))
                #expect(try connection.query("SELECT 1 AS one").first?.int("one") == 1)
            }
        }
    }
}

/// A connection handed to another thread for `cancel()`, the one call libpq makes safe there.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
