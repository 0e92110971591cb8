import Foundation
import PropertyBased
import Testing

@testable import Revisions

/// Names, tags, messages and revision arguments that break naive tools: quotes, backslashes,
/// LIKE patterns, shell syntax, escape sequences, unicode, empty and oversized text, leading
/// dashes, huge numbers.
let hostileCorpus: [String] = [
    "", " ", "'", "\"", "''; DROP DATABASE postgres; --", "\"; DROP DATABASE postgres; --", "a\\b", "\\", "%", "_", "a%b_c",
    "*", "?", "tip", "TIP", "0", "00", "-1", "--help", "-d", "-", "1e3", "0x10", "1.0", "99999999999999999999", "2147483648",
    "+1", " 1", "1 ", "a b", "line\nbreak", "tab\there", "\r", "\u{1B}[31mred", "é", "🐘", "東京", "👩‍💻", "\u{200F}rtl",
    String(repeating: "x", count: 63), String(repeating: "é", count: 40), String(repeating: "y", count: 300), "${HOME}",
    "$(id)", "`id`", "a;b", "/etc/passwd", "..", "a\u{0}b", "null", "NULL", "odb", "postgres", "template1",
]

extension Integration {
    @Suite struct HostileInputTests {
        /// Through the library: each input is refused with an OdbError or used exactly as typed,
        /// and no database outside the test's own is touched.
        @Test func corpusThroughTheLibrary() async throws {
            try await withSandbox { sandbox in
                // The server's own databases, which no input may touch.
                let system =
                    "SELECT datname, oid::text FROM pg_database WHERE datname IN ('postgres', 'template0', 'template1') ORDER BY 1"
                let outside = try sandbox.connect().query(SQL(stringLiteral: system)).map { $0.values }
                let (database, workspace) = try await sandbox.tracked("hostile", rows: [1])
                let repository = try workspace.repository()
                _ = try repository.commit(message: "base")
                var tagged = 0
                for text in hostileCorpus {
                    // As a database name (behind the test's prefix, so that it is cleaned up).
                    let name = sandbox.name(text)
                    do {
                        let outcome = try workspace.track(name, create: true)
                        #expect(outcome.created)
                        #expect(try sandbox.databases().contains(name))
                    } catch let error as OdbError {
                        #expect(!"\(error)".isEmpty)
                        #expect(try !sandbox.databases().contains(name))
                    }
                    // Bare, as a database name: refused, missing, or (postgres) an existing one tracked.
                    do {
                        _ = try workspace.track(text, create: false)
                        #expect(text == "postgres")
                    } catch is OdbError {}
                    // As a tag.
                    do {
                        let tag = try repository.tag(text, revision: nil)
                        #expect(tag.name == text)
                        #expect(try repository.resolve(.tag(text), parent: 1) == 1)
                        tagged += 1
                    } catch is OdbError {}
                    // As a revision argument.
                    if let argument = try? RevisionArgument(parsing: text) {
                        do {
                            _ = try repository.revert(to: argument)
                        } catch is OdbError {}
                    }
                    #expect(try sandbox.rows(database) == [1])
                }
                #expect(try repository.tags().count == tagged)
                // Messages are kept exactly, except NUL, which PostgreSQL cannot store.
                for text in hostileCorpus.prefix(12) + hostileCorpus.suffix(12) {
                    do {
                        let outcome = try repository.commit(message: text)
                        #expect(try repository.log(limit: 1).first?.message == text)
                        #expect(outcome.committed == outcome.revision - 1)
                    } catch OdbError.invalidMessage {
                        #expect(text.contains("\0"))
                    }
                }
                #expect(try sandbox.connect().query(SQL(stringLiteral: system)).map { $0.values } == outside)
            }
        }

        /// Through the command line: every input gets success or one line on stderr, never a trap,
        /// a usage dump or an SQL error from bad quoting.
        @Test func corpusThroughTheCommandLine() async throws {
            try await withSandbox { sandbox in
                let database = try sandbox.makeDatabase("cli hostile", rows: [1])
                try await expectSuccess(sandbox.odb(["init", database]))
                try await expectSuccess(sandbox.odb(["commit", "-m", "base"]))
                for text in hostileCorpus where !text.contains("\0") {
                    for arguments in [
                        ["tag", text], ["revert", text], ["commit", "-m", text], ["init", text, "--no-create"],
                        ["log", "-l", text],
                    ] {
                        let result = try await sandbox.odb(arguments)
                        #expect(
                            ["exit status 0", "exit status 1", "exit status 64"].contains(result.status),
                            "\(arguments): \(result.status)")
                        if !result.succeeded {
                            #expect(result.errorOutput.hasPrefix("odb: "), "\(arguments)")
                            #expect(
                                result.errorOutput.split(separator: "\n", omittingEmptySubsequences: false).count == 2,
                                "\(arguments): \(result.errorOutput)")
                            #expect(!result.errorOutput.contains("syntax error"))
                        }
                        #expect(try sandbox.rows(database) == [1])
                    }
                }
            }
        }

        /// Any text, bound as a value or quoted as a name, reaches the server as exactly that text.
        @Test func valuesAndNamesRoundTrip() async throws {
            try await withSandbox { sandbox in
                let connection = try sandbox.connect()
                // Every character of the corpus but NUL, which no C string can carry.
                let characters = Array(Set(hostileCorpus.joined())).filter { $0 != "\0" }.sorted()
                let text = Gen.element(of: characters).compactMap { $0 }.string(of: 1...60)
                await propertyCheck(count: 300, input: text) { (value: String) in
                    let bound = try? connection.query("SELECT \(value)::text AS v").first?.optionalString("v")
                    #expect(bound == value)
                    let literal = try? connection.query("SELECT \(literal: value) AS v").first?.optionalString("v")
                    #expect(literal == value)
                    if value.utf8.count <= Names.maximumLength {
                        let named = try? connection.query("SELECT 1 AS \(identifier: value)").columns.first
                        #expect(named == value)
                    }
                }
            }
        }
    }
}
