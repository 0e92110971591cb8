import Foundation
import Testing

@testable import Revisions
@testable import odb

/// The library's errors carry values; the command line words them, with the commands and flags
/// that help.
@Suite struct ErrorMessagesTests {
    @Test func messagesSayWhatToDo() {
        let sessions = (1...7).map { Session(pid: $0, user: "app", application: "") }
        let cases: [(OdbError, String)] = [
            (.programMissing("initdb"), "apt-get install postgresql"),
            (.unsupportedServer(version: "9.6.24", server: "db"), "odb supports PostgreSQL 15 to 18"),
            (
                .connectionsOpen(database: "demo", sessions: sessions),
                "app (pid 5) and 2 more); close them, or drop --no-terminate"
            ),
            (
                .notEnoughSpace(copying: "demo", needed: 3 << 30, free: 0, path: nil, odbHolds: nil),
                "needs about 3.0 GB and the server has none free"
            ),
            (
                .notEnoughSpace(copying: "demo", needed: 3 << 30, free: 1 << 30, path: "/srv", odbHolds: 0),
                "odb holds no revisions on that disk, so purging would not help"
            ),
            (
                .notEnoughSpace(copying: "demo", needed: 3 << 30, free: 1 << 30, path: "/srv", odbHolds: 2 << 30),
                "take 2.0 GB ('odb du' lists them; 'odb purge' or 'odb gc' removes them)"
            ),
            (
                .busy(database: "demo", holder: Session(pid: 9, user: "bob", application: "odb")),
                "another odb (bob, backend pid 9)"
            ),
            (.interrupted(signal: SIGTERM), "interrupted by SIGTERM: odb stopped cleanly"),
            (.invalidTagName("12", reason: .number), "'12' cannot be a tag: a number would hide the revision"),
            (.invalidDatabaseName("", reason: .tooLong), "longer than PostgreSQL's 63 bytes"),
            (.notPermitted(.createDatabase("x"), reason: "permission denied"), "not permitted to create database 'x'"),
        ]
        for (error, fragment) in cases {
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    /// No message advises a variable nothing reads.
    @Test func noDeadAdvice() {
        for error: OdbError in [.portsExhausted(15000...16000), .userMissing("postgres")] {
            #expect(!error.message.contains("ODB_PORT") && !error.message.contains("ODB_CLUSTER_USER"), "\(error.message)")
        }
    }
}
