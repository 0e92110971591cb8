import Foundation
import Testing

@testable import Revisions

/// A command that must have succeeded.
func expectSuccess(_ result: ProgramResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(result.succeeded, "\(result.status): \(result.errorOutput)", sourceLocation: sourceLocation)
}

/// A command that must have failed with odb's one line on stderr and exit status 1, holding
/// `containing` when given, and showing `secret` nowhere.
func expectOneLine(
    _ result: ProgramResult, containing: String? = nil, secret: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status == "exit status 1", "\(result.status): \(result.output)", sourceLocation: sourceLocation)
    #expect(result.errorOutput.hasPrefix("odb: "), sourceLocation: sourceLocation)
    #expect(result.errorOutput.split(separator: "\n").count == 1, "\(result.errorOutput)", sourceLocation: sourceLocation)
    if let containing {
        #expect(result.errorOutput.contains(containing), "\(result.errorOutput)", sourceLocation: sourceLocation)
    }
    if let secret { #expect(!(result.errorOutput + result.output).contains(secret), sourceLocation: sourceLocation) }
}

extension Sandbox {
    /// The invariants odb keeps whatever happens: the working database exists, accepts
    /// connections and holds one of `states` whole; every revision database exists, frozen, with
    /// what was committed; every spare exists; nothing odb made is outside its metadata; no
    /// operation is left half done.
    func expectConsistent(_ database: String, states: [[Int]], revisions committed: [[Int]] = [], table: Bool = true) throws {
        let connection = try connect(control)
        // The working database exists, accepts connections, and holds one whole state.
        let working = try connect(database)
        if table {
            let rows = try working.query("SELECT x FROM t ORDER BY x").map { try $0.int("x") }
            #expect(states.contains(rows), "working database holds \(rows)")
        }
        #expect(try connection.query("SELECT count(*) AS n FROM odb.operations").first?.int("n") == 0)
        #expect(try connection.query("SELECT count(*) AS n FROM odb.discarded").first?.int("n") == 0)
        #expect(try connection.query("SELECT count(*) AS n FROM odb.spares WHERE NOT ready").first?.int("n") == 0)
        // Every revision's database exists and is frozen; every odb-made database is known.
        let catalog = Dictionary(
            uniqueKeysWithValues: try connection.query("SELECT datname, datallowconn, datistemplate FROM pg_database").map {
                (try $0.string("datname"), (allow: try $0.bool("datallowconn"), template: try $0.bool("datistemplate")))
            })
        let revisions = try connection.query("SELECT dbname FROM odb.revisions WHERE dbname IS NOT NULL").map {
            try $0.string("dbname")
        }
        for revision in revisions {
            #expect(catalog[revision].map { !$0.allow && $0.template } == true, "revision database \(revision)")
        }
        let spares = try connection.query("SELECT dbname FROM odb.spares").map { try $0.string("dbname") }
        for spare in spares { #expect(catalog[spare] != nil, "spare \(spare)") }
        let tracked = try connection.query("SELECT name FROM odb.databases").map { try $0.string("name") }
        let checkouts = try connection.query("SELECT name FROM odb.checkouts").map { try $0.string("name") }
        let known = Set(revisions + spares + tracked + checkouts + [control])
        // No revision is left open for a reader.
        #expect(try connection.query("SELECT 1 FROM odb.unfrozen").isEmpty)
        #expect(try databases().subtracting(known).isEmpty)
        // Revisions hold what was committed.
        for row in try connection.query(
            "SELECT number, dbname FROM odb.revisions WHERE database = \(database) AND dbname IS NOT NULL")
        where !committed.isEmpty {
            #expect(committed.contains(try frozenRows(try row.string("dbname"))))
        }
    }
}

extension Sandbox {
    /// A plain connection to `database` succeeds within `deadline` (polled: a copy that is still
    /// running may hold it up a moment), without any odb command run first.
    func expectConnectable(_ database: String, within deadline: Duration) async throws {
        let end = ContinuousClock.now + deadline
        while true {
            do {
                _ = try connect(database)
                return
            } catch {
                guard ContinuousClock.now < end else {
                    Issue.record("no connection to \(database) within \(deadline): \(error)")
                    return
                }
                try await Task.sleep(for: .milliseconds(10))  // the poll's interval, under the deadline above
            }
        }
    }
}
