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

    /// The rows of range chunks: neighbouring chunks read as one range, the first and the last
    /// chunk open below and above, every bound a parameter; too many chunks read all rows.
    @Test func rangeChunkConditions() throws {
        func render(_ sql: SQL) -> (text: String, values: [String?]) {
            (sql.text { fragment in if case .identifier(let name) = fragment { "\"\(name)\"" } else { "?" } }, sql.parameters)
        }
        let ranges = Chunking.ranges(column: "id", type: "bigint", bounds: (1...40).map { String($0 * 10) })
        let some = render(ranges.rows(in: [0, 3, 4, 5, 9, 40], hashing: "unused"))
        #expect(some.text == #"false OR ("id" < $1) OR ("id" >= $2 AND "id" < $3) OR ("id" >= $4 AND "id" < $5) OR ("id" >= $6)"#)
        #expect(some.values == ["10", "30", "60", "90", "100", "400"])
        #expect(render(ranges.chunk(hashing: "unused")).text == #"width_bucket("id", $1::bigint[])"#)
        // Over a quarter of the chunks: every row, filtered by its chunk.
        let many = render(ranges.rows(in: Array(0...11), hashing: "unused"))
        #expect(many.text == #"width_bucket("id", $1::bigint[]) = ANY($2::integer[])"#)
        let hashed = render(Chunking.hashed(count: 7).rows(in: [1, 2], hashing: "k::text"))
        #expect(hashed.text == "(hashtext(k::text) & 2147483647) % 7 = ANY($1::integer[])")
        #expect(hashed.values == ["{\"1\",\"2\"}"])
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
