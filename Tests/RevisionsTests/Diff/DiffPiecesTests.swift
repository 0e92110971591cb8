import Testing

@testable import Revisions

/// The pieces of the diff that need no server: `--table` patterns, the merge's byte order, array
/// literals, and the schema diff of hand-made snapshots.
@Suite struct DiffPiecesTests {
    @Test func tablePatterns() {
        #expect(TablePattern("orders").matches("public.orders"))
        #expect(TablePattern("orders").matches("sales.orders"))
        #expect(!TablePattern("orders").matches("public.orders_old"))
        #expect(TablePattern("order_*").matches("public.order_lines"))
        #expect(TablePattern("sales.*").matches("sales.anything"))
        #expect(!TablePattern("sales.*").matches("public.sales"))
        #expect(TablePattern("*.audit_?").matches("x.audit_1"))
        #expect(!TablePattern("*.audit_?").matches("x.audit_12"))
        #expect(!TablePattern("Orders").matches("public.orders"))
        #expect(TablePattern("*").matches("public.t"))
    }

    /// The merge compares keys as `COLLATE "C"` sorts them: byte by byte, column by column.
    @Test func byteOrder() {
        #expect(ByteOrderedKey(["B"]) < ByteOrderedKey(["a"]))
        #expect(ByteOrderedKey(["a"]) < ByteOrderedKey(["ab"]))
        #expect(ByteOrderedKey(["a", "2"]) < ByteOrderedKey(["a", "3"]))
        #expect(ByteOrderedKey(["z"]) < ByteOrderedKey(["é"]))
        #expect(!(ByteOrderedKey(["x"]) < ByteOrderedKey(["x"])))
    }

    @Test func arrayLiterals() {
        #expect(arrayLiteral(["a", "b\"c", "d\\e", "NULL", ""]) == #"{"a","b\"c","d\\e","NULL",""}"#)
        #expect(arrayLiteral([]) == "{}")
    }

    @Test func schemaDiffOfSnapshots() {
        let old = SchemaSnapshot(objects: [
            SchemaObject(kind: .table, name: "public.t", definition: "table owner a", table: "public.t"),
            SchemaObject(kind: .column, name: "public.t.x", definition: "integer", table: "public.t"),
            SchemaObject(kind: .index, name: "public.gone", definition: "CREATE INDEX gone …", table: "public.t"),
        ])
        let new = SchemaSnapshot(objects: [
            SchemaObject(kind: .column, name: "public.t.x", definition: "bigint", table: "public.t"),
            SchemaObject(kind: .table, name: "public.t", definition: "table owner a", table: "public.t"),
            SchemaObject(kind: .schema, name: "extra", definition: "owner a"),
        ])
        let changes = SchemaDiff(old: old, new: new).changes
        #expect(
            changes.map { "\($0.change) \($0.kind.rawValue) \($0.name)" } == [
                "added schema extra", "changed column public.t.x", "removed index public.gone",
            ])
        #expect(changes[1].old == "integer" && changes[1].new == "bigint")
        #expect(SchemaDiff(old: old, new: old).changes.isEmpty)
        // The digest follows the objects, not the order they were read in.
        let shuffled = SchemaSnapshot(objects: old.objects.reversed())
        #expect(shuffled.digest == old.digest)
        #expect(old.digest != new.digest)
        #expect(old.digest.count == 64)
    }
}
