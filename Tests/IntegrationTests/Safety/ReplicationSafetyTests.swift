import Foundation
import Testing

@testable import Revisions

/// Logical replication that odb must never undo behind the user's back: PostgreSQL's
/// `DROP DATABASE` (even `WITH (FORCE)`) silently drops the inactive logical slots of the database,
/// and refuses one that holds a subscription. odb leaves such a database listed for dropping,
/// says why and how to clear it, drops the others, and drops it once the user has.
extension Integration {
    @Suite struct ReplicationSafetyTests {
        /// A slot decoding a purged revision keeps its database: the purge drops the other
        /// revisions, says why it kept this one, `info` shows the SQL that clears it, the worker
        /// does not retry it in a loop, and once the slot is gone the next maintenance drops it.
        @Test func aSlotKeepsAPurgedRevisionUntilTheUserDropsIt() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("decoded", rows: [1])
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "two"]))
                let decoded = Names.revisionDatabase(database, number: 1)
                let slot = sandbox.prefix + "_slot"
                try await sandbox.makeSlot(slot, in: decoded)

                let purged = try await sandbox.odb(["purge", "all", "-y"])
                try expectSuccess(purged)
                #expect(purged.errorOutput.contains("slot \(slot)"), "\(purged.errorOutput)")
                #expect(try sandbox.slots() == [slot])
                #expect(try sandbox.databases().contains(decoded))
                #expect(try !sandbox.databases().contains(Names.revisionDatabase(database, number: 2)))

                let info = try await sandbox.odb(["info"])
                #expect(info.output.contains("SELECT pg_drop_replication_slot('\(slot)')"), "\(info.output)")
                let json = try await sandbox.odb(["info", "--json"])
                #expect(json.output.contains(slot), "\(json.output)")
                // Nothing else to do: the worker returns, leaving it.
                let maintained = try await sandbox.odb(["maintain"], timeout: .seconds(60))
                try expectSuccess(maintained)
                #expect(try sandbox.databases().contains(decoded))
                #expect(try sandbox.slots() == [slot])

                try sandbox.connect().query("SELECT pg_drop_replication_slot(\(slot))")
                try await expectSuccess(sandbox.odb(["maintain"], timeout: .seconds(60)))
                #expect(try !sandbox.databases().contains(decoded))
                #expect(try await !sandbox.odb(["info"]).output.contains("pg_drop_replication_slot"))
                try sandbox.expectConsistent(database, states: [[1]])
            }
        }

        /// A subscription in a dropped checkout (where `DROP DATABASE` would fail) keeps it,
        /// names the statements that clear it, and does not stop the other drops.
        @Test func aSubscriptionKeepsADroppedCheckout() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("subscribed", rows: [1])
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                let checkout = sandbox.name("copy")
                try await expectSuccess(sandbox.odb(["checkout", "1", "--as", checkout]))
                let subscription = sandbox.prefix + "_sub"
                try sandbox.connect(checkout).query(
                    """
                    CREATE SUBSCRIPTION \(identifier: subscription) CONNECTION 'host=/nonexistent dbname=none'
                    PUBLICATION nothing WITH (connect = false)
                    """)
                let dropped = try await sandbox.odb(["checkout", "--drop", checkout])
                try expectSuccess(dropped)
                #expect(dropped.errorOutput.contains("subscription \(subscription)"), "\(dropped.errorOutput)")
                #expect(try sandbox.databases().contains(checkout))
                let info = try await sandbox.odb(["info"])
                #expect(info.output.contains("DROP SUBSCRIPTION \(subscription)"), "\(info.output)")

                let subscriber = try sandbox.connect(checkout)
                try subscriber.query("ALTER SUBSCRIPTION \(identifier: subscription) DISABLE")
                try subscriber.query("ALTER SUBSCRIPTION \(identifier: subscription) SET (slot_name = NONE)")
                try subscriber.query("DROP SUBSCRIPTION \(identifier: subscription)")
                try await expectSuccess(sandbox.odb(["maintain"], timeout: .seconds(60)))
                #expect(try !sandbox.databases().contains(checkout))
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
            }
        }

        /// Untracked, nothing would list a database left to drop: `untrack --drop-revisions`
        /// refuses while a slot decodes one of them, and changes nothing.
        @Test func untrackRefusesToDropARevisionASlotDecodes() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("untracked", rows: [1])
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                let slot = sandbox.prefix + "_slot"
                try await sandbox.makeSlot(slot, in: Names.revisionDatabase(database, number: 1))
                let refused = try await sandbox.odb(["untrack", database, "--drop-revisions"])
                expectOneLine(refused, containing: "SELECT pg_drop_replication_slot('\(slot)')")
                #expect(try sandbox.slots() == [slot])
                try sandbox.connect().query("SELECT pg_drop_replication_slot(\(slot))")
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
                try await expectSuccess(sandbox.odb(["untrack", database, "--drop-revisions"]))
                #expect(try sandbox.databases() == [database, sandbox.control])
            }
        }

        /// A slot decoding the working database would stay with the replaced one: revert refuses,
        /// and the slot is still there.
        @Test func aRevertRefusesADatabaseWithASlot() async throws {
            try await withSandbox { sandbox in
                let (database, _) = try await sandbox.tracked("publisher", rows: [1])
                try await expectSuccess(sandbox.odb(["commit", "-m", "one"]))
                let slot = sandbox.prefix + "_slot"
                try await sandbox.makeSlot(slot, in: database)
                let result = try await sandbox.odb(["revert"])
                expectOneLine(result, containing: "slot \(slot)")
                #expect(try sandbox.slots() == [slot])
                try sandbox.connect().query("SELECT pg_drop_replication_slot(\(slot))")
                try sandbox.expectConsistent(database, states: [[1]], revisions: [[1]])
                try await expectSuccess(sandbox.odb(["revert"]))
            }
        }
    }
}

extension Sandbox {
    /// A logical replication slot `name` decoding `database` (connectable or not), left inactive.
    /// Made off the cooperative pool: making a slot waits for every transaction running on the
    /// server to end, other tests' open ones too.
    func makeSlot(_ name: String, in database: String) async throws {
        try await offThePool { try makeSlotBlocking(name, in: database) }
    }

    private func makeSlotBlocking(_ name: String, in database: String) throws {
        let admin = try connect()
        let allowed = try admin.query("SELECT datallowconn FROM pg_database WHERE datname = \(database)").first?.bool(
            "datallowconn")
        if allowed == false { try admin.query("ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS true") }
        try connect(database).query("SELECT pg_create_logical_replication_slot(\(name), 'test_decoding')")
        if allowed == false { try admin.query("ALTER DATABASE \(identifier: database) WITH ALLOW_CONNECTIONS false") }
    }

    /// The replication slots of this test.
    func slots() throws -> [String] {
        try connect().query(
            "SELECT slot_name::text AS name FROM pg_replication_slots WHERE left(slot_name::text, \(prefix.count)) = \(prefix) ORDER BY 1"
        ).map { try $0.string("name") }
    }
}
