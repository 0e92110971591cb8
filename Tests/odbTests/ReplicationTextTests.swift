import Testing

@testable import Revisions
@testable import odb

/// What odb says about a database logical replication keeps: why, and the SQL that clears it,
/// with names quoted as PostgreSQL reads them.
@Suite struct ReplicationTextTests {
    @Test func aSlotIsNamedWithTheStatementThatDropsIt() {
        let kept = Replication(database: "demo*3", slots: ["audit"])
        #expect(
            Text.replicationKeeps(kept)
                == "logical replication keeps 'demo*3': slot audit decodes it (dropping the database would drop the slot); "
                + "if nothing needs it any more, run: SELECT pg_drop_replication_slot('audit')")
        #expect(
            Text.event(.keptForReplication(kept), verbose: false)
                == "not dropped: " + Text.replicationKeeps(kept) + "; odb drops it once they are gone")
    }

    @Test func aSubscriptionIsClearedFromItsDatabase() {
        let kept = Replication(database: "shop copy", subscriptions: ["Orders", "user"], slots: ["s"])
        let text = Text.replicationKeeps(kept)
        #expect(text.contains("if nothing needs them any more, run connected to 'shop copy': "))
        #expect(
            text.contains(
                #"ALTER SUBSCRIPTION "Orders" DISABLE; ALTER SUBSCRIPTION "Orders" SET (slot_name = NONE); DROP SUBSCRIPTION "Orders""#
            ))
        #expect(text.contains(#"DROP SUBSCRIPTION "user""#))
        #expect(text.hasSuffix(#"DROP SUBSCRIPTION "user""#))
        #expect(text.contains("SELECT pg_drop_replication_slot('s'); ALTER SUBSCRIPTION"))
    }

    @Test func namesAreQuotedOnlyWhenTheyMustBe() {
        #expect(Text.sqlIdentifier("orders_2") == "orders_2")
        #expect(Text.sqlIdentifier("select") == #""select""#)
        #expect(Text.sqlIdentifier(#"a"b"#) == #""a""b""#)
        #expect(Text.sqlIdentifier("2x") == #""2x""#)
        #expect(Text.sqlLiteral("it's") == "'it''s'")
        #expect(Text.replicationKeeps(Replication(database: "a\nb", slots: ["s"])).split(separator: "\n").count == 1)
    }
}
