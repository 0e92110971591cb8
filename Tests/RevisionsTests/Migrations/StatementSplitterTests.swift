import Foundation
import Testing

@testable import Revisions

@Suite struct StatementSplitterTests {
    func split(_ text: String) throws -> [Statement] { try StatementSplitter.split(Array(text.utf8), file: "p.sql") }

    @Test func dollarQuotesCommentsAndEscapeStrings() throws {
        let patch = """
            -- a comment; with a semicolon
            CREATE TABLE a (note text DEFAULT E'it\\'s; \\n fine');
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
            BEGIN
              RETURN 1; -- a semicolon inside
            END
            $body$;
            /* a block; comment /* nested; */ */ INSERT INTO a VALUES ('x;y'), ($$;$$);
            DO $$ BEGIN PERFORM 1; END $$
            """
        let statements = try split(patch)
        #expect(statements.count == 4)
        #expect(statements.map(\.line) == [2, 3, 8, 9])
        #expect(statements[0].text.contains("E'it\\'s; \\n fine'"))
        #expect(statements[1].text.hasSuffix("$body$"))
        #expect(statements[1].text.contains("RETURN 1; -- a semicolon inside"))
        #expect(statements[2].text.contains("('x;y'), ($$;$$)"))
        #expect(statements[3].text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("DO $$"))
    }

    @Test func emptyStatementsAndBlankFile() throws {
        #expect(try split("").isEmpty)
        #expect(try split("-- nothing\n").isEmpty)
        #expect(try split("SELECT 1;;\n;SELECT 2").count == 2)
    }

    @Test func syntaxErrorNamesTheLine() throws {
        #expect(throws: OdbError.patchUnparsable(file: "p.sql", line: 3, reason: "syntax error at or near \"TABLEE\"")) {
            try split("SELECT 1;\n\nCREATE TABLEE x ();\n")
        }
        #expect(throws: OdbError.self) { try split("SELECT 'unterminated") }
    }

    @Test func multibyteTextKeepsOffsets() throws {
        let statements = try split("INSERT INTO t VALUES ('żółć;ß');\nSELECT 'é';")
        #expect(statements.map(\.text) == ["INSERT INTO t VALUES ('żółć;ß')", "\nSELECT 'é'"])
        #expect(statements.map(\.line) == [1, 2])
    }
}
