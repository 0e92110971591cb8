import Testing

@testable import Revisions

@Suite struct SQLTests {
    /// A statement spliced into another keeps its values as parameters, numbered in order.
    @Test func splicedStatementsKeepTheirParameters() throws {
        let inner: SQL = "x = \("inner")"
        let outer: SQL = "SELECT \("first") WHERE \(inner) AND y = \("last")"
        #expect(outer.text { _ in "" } == "SELECT $1 WHERE x = $2 AND y = $3")
        #expect(outer.parameters == ["first", "inner", "last"])
    }
}
