import Testing

@testable import Revisions
@testable import odb

@Suite struct DiffAnswersTests {
    /// A report like the one two small databases give: a column changed, an index added, rows
    /// of a keyed table and of a multiset.
    func report() -> DiffReport {
        var keyed = TableDiff(table: "public.accounts", method: .primaryKey, key: ["id"], columns: ["id", "name", "note"])
        keyed.added = 1
        keyed.removed = 1
        keyed.changed = 2
        keyed.rows = [
            RowChange(change: .added, key: ["4"], old: nil, new: ["4", "ann", nil]),
            RowChange(change: .removed, key: ["2"], old: ["2", "it's", "NULL"], new: nil),
            RowChange(change: .changed, key: ["3"], old: ["3", "bob", nil], new: ["3", "bob", "x\ny"]),
        ]
        var bag = TableDiff(table: "public.log", method: .multiset, key: [], columns: ["line"], columnsOnlyNew: ["at"])
        bag.added = 2
        bag.rows = [RowChange(change: .added, key: nil, old: nil, new: ["hello"], copies: 2)]
        var report = DiffReport(
            schema: [
                SchemaChange(
                    kind: .column, name: "public.accounts.name", change: .changed, old: "text", new: "text NOT NULL",
                    table: "public.accounts"),
                SchemaChange(
                    kind: .index, name: "public.log_line", change: .added, old: nil,
                    new: "CREATE INDEX log_line ON public.log USING btree (line)", table: "public.log"),
            ],
            tables: [keyed, bag])
        report.tablesOnlyNew = ["public.fresh"]
        return report
    }

    @Test func stat() throws {
        let answer = Answer.diff(report(), stat: true)
        #expect(
            answer.text == """
                 public.accounts | 4 rows: 1 added, 1 removed, 2 changed
                 public.log      | 2 rows: 2 added (as a multiset)
                 2 tables changed: 3 rows added, 1 removed, 2 changed; 2 schema objects differ (1 added, 1 changed); 1 table only in the new state
                """)
    }

    @Test func wholeDiff() throws {
        let answer = Answer.diff(report(), stat: false)
        #expect(
            answer.text == """
                schema: 2 schema objects differ (1 added, 1 changed)
                  ~ column public.accounts.name
                      - text
                      + text NOT NULL
                  + index public.log_line
                      CREATE INDEX log_line ON public.log USING btree (line)
                tables only in the new state, rows not compared: public.fresh
                public.accounts: 1 added, 1 removed, 2 changed, compared by primary key (id)
                  + id='4' name='ann' note=NULL
                  - id='2' name='it''s' note='NULL'
                  ~ id='3' note: NULL → 'x\\ny'
                  … 1 more (--rows N shows more)
                public.log: 2 added, compared as a multiset: no primary key or unique key of NOT NULL columns
                  columns differ, compared on the common ones (only new: at)
                  + (2 copies) line='hello'
                """)
    }

    @Test func noDifferences() throws {
        let empty = DiffReport(schema: [], tables: [])
        try expectAnswer(
            .diff(empty, stat: true), text: "No differences",
            json: """
                {
                  "schema" : [

                  ],
                  "stats" : {
                    "bytesRead" : 0,
                    "chunks" : 0,
                    "chunksDiffering" : 0,
                    "tableBytes" : 0,
                    "tablesCompared" : 0
                  },
                  "tables" : [

                  ],
                  "tablesOnlyNew" : [

                  ],
                  "tablesOnlyOld" : [

                  ]
                }
                """)
    }

    /// A long value is cut, with its size; NULL and the string 'NULL' never look alike.
    @Test func values() {
        #expect(Text.value(nil) == "NULL")
        #expect(Text.value("NULL") == "'NULL'")
        #expect(Text.value(String(repeating: "x", count: 2_000_000)) == "'\(String(repeating: "x", count: 60))…' (1.9 MB)")
        #expect(Text.value("\\x00ff") == "'\\x00ff'")
    }

    /// The JSON keeps every value whole and NULL as null.
    @Test func jsonRows() throws {
        let json = try Answer.diff(report(), stat: false).json().filter { !$0.isWhitespace }
        #expect(json.contains(#""new":["4","ann",null]"#))
        #expect(json.contains(#""new":["3","bob","x\ny"]"#))
        #expect(json.contains(#""method":"primarykey""#))
        #expect(json.contains(#""copies":2"#))
    }
}
